import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '@eimza/testpki';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm start` where a window can open: it builds the app if needed, starts it on the API it runs,
// and SIGTERM stops it with the API. The Electron binary cannot exist here, so a stand-in
// executable (ELECTRON_OVERRIDE_DIST_PATH, the electron package's own override) records how it
// was started and waits to be stopped; the launch of the real binary is covered by app.test.ts.
const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const posix = process.platform !== 'win32';
const why = posix ? '' : ' (skipped: the stand-in binary is a shell script)';

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

let work: string;
let child: ChildProcess;
let output = '';
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
  child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: {
      ...process.env,
      ELECTRON_OVERRIDE_DIST_PATH: work,
      DISPLAY: ':99',
      EIMZA_STATE_DIR: join(work, 'state'),
      PORT: String(port),
      EIMZA_TESTPKI_PORT: String(await freePort()),
      EIMZA_TRUST_ANCHORS: '',
      SOFTHSM2_CONF: '',
    },
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Desktop app:') || output.includes('No desktop window:')) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
}, 240_000);

afterAll(() => {
  if (child?.pid && child.exitCode === null && groupAlive(child.pid)) {
    process.kill(-child.pid, 'SIGKILL');
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm start with a window', () => {
  it.skipIf(!posix)(`starts the built app on the API it runs${why}`, async () => {
    expect(output).toContain(`Desktop app:  opened (API ${portal})`);
    expect(output).not.toContain('No desktop window');
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
      const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
      process.kill(child.pid!, 'SIGTERM');
      expect(await exit).toBe(0);
      const deadline = Date.now() + 5000;
      while (groupAlive(child.pid!) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(groupAlive(child.pid!)).toBe(false);
    },
    30_000,
  );
});
