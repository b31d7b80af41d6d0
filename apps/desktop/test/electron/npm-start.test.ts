import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '@eimza/testpki';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNpmStart, type RunningStart } from '@eimza/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm start` where a window can open: it builds the app if needed, starts it on the API it runs,
// and SIGTERM stops it with the API. The Electron binary cannot exist here, so a stand-in
// executable (ELECTRON_OVERRIDE_DIST_PATH, the electron package's own override) records how it
// was started and waits to be stopped; the launch of the real binary is covered by app.test.ts.
const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const posix = process.platform !== 'win32';
const why = posix ? '' : ' (skipped: the stand-in binary is a shell script)';

let work: string;
let started: RunningStart;
let portal: string;

beforeAll(async () => {
  if (!posix) return;
  work = mkdtempSync(join(tmpdir(), 'eimza-start-desktop-'));
  const standIn = join(work, 'electron');
  writeFileSync(
    standIn,
    `#!/bin/sh\nprintf '%s\\n' "$@" > '${work}/args'\nprintf '%s' "$EIMZA_API_URL" > '${work}/api'\nexec sleep 600\n`,
  );
  chmodSync(standIn, 0o755);
  const port = await freePort();
  portal = `http://127.0.0.1:${port}`;
  started = await runNpmStart(
    {
      ELECTRON_OVERRIDE_DIST_PATH: work,
      DISPLAY: ':99',
      EIMZA_STATE_DIR: join(work, 'state'),
      PORT: String(port),
      EIMZA_TESTPKI_PORT: String(await freePort()),
    },
    (text) => text.includes('Desktop app:') || text.includes('No desktop window:'),
  );
}, 240_000);

afterAll(() => {
  started?.killGroup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm start with a window', () => {
  it.skipIf(!posix)(`starts the built app on the API it runs${why}`, async () => {
    expect(started.output()).toContain(`Desktop app:  opened (API ${portal})`);
    expect(started.output()).not.toContain('No desktop window');
    for (const file of ['main/index.cjs', 'preload/index.cjs', 'renderer/index.html']) {
      expect(existsSync(join(ROOT, 'apps', 'desktop', 'dist', file)), file).toBe(true);
    }
    await expect.poll(() => existsSync(join(work, 'api'))).toBe(true);
    expect(readFileSync(join(work, 'args'), 'utf8').trim()).toBe(join(ROOT, 'apps', 'desktop'));
    expect(readFileSync(join(work, 'api'), 'utf8')).toBe(portal);
    expect((await fetch(`${portal}/readyz`)).status).toBe(200);
  });

  it.skipIf(!posix)(
    `SIGTERM stops the app with the API${why}`,
    async () => {
      expect(await started.terminate()).toEqual({ code: 0, groupGone: true });
    },
    30_000,
  );
});
