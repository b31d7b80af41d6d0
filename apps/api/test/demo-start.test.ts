import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '@eimza/testpki';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SubmissionGuard, createApiClient, createSigningFlow } from '@eimza/client';
import { openTokenService } from '@eimza/token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNpmStart, type RunningStart } from '../src/testing.js';
import { displayAvailable, electronBinary } from '../../../scripts/electron-binary.mjs';

// `npm start` as a user runs it, with a fresh state folder and free ports; the demo tokens it
// provisions sign against the API it serves.
let state: string;
let started: RunningStart;
let portal: string;

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), 'eimza-start-'));
  const port = await freePort();
  portal = `http://127.0.0.1:${port}/`;
  started = await runNpmStart(
    {
      EIMZA_STATE_DIR: state,
      PORT: String(port),
      EIMZA_TESTPKI_PORT: String(await freePort()),
    },
    (text) => text.includes('eimza is running'),
  );
}, 180_000);

afterAll(() => {
  started?.killGroup();
  rmSync(state, { recursive: true, force: true });
});

describe('npm start', () => {
  it('prints the portal URL, the sign command and that it runs in test-PKI mode', () => {
    expect(started.output()).toContain(`Portal:       ${portal}`);
    expect(started.output()).toContain(
      `npm run eimza -- sign --code <code> --api ${portal.slice(0, -1)}`,
    );
    expect(started.output()).toContain('npm run eimza -- tokens');
    expect(started.output()).toContain('TEST-PKI MODE');
  });

  it('opens the desktop app on the API, or says in one line why no window opens', async () => {
    const opens = electronBinary().path !== undefined && displayAvailable();
    const line = opens
      ? `Desktop app:  opened (API ${portal.slice(0, -1)})`
      : /^No desktop window: .+\. Sign with the eimza command above\.$/m;
    await expect.poll(() => started.output(), { timeout: 30_000 }).toMatch(line);
    expect(started.output().match(/^(No desktop window|Desktop app): /gm)).toHaveLength(1);
  }, 60_000);

  it('serves the portal, and a demo token’s signature validates TOTAL_PASSED with revocation checked', async () => {
    const page = await fetch(portal);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('E-imzalı Giriş');

    const opened = await fetch(`${portal}portal/api/sign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'login', tckn: '10000000146' }),
    });
    expect(opened.status).toBe(201);
    const { verificationCode } = (await opened.json()) as { verificationCode: string };
    process.env.SOFTHSM2_CONF = join(state, 'softhsm', 'softhsm2.conf');
    const tokens = await openTokenService({
      explicitOnly: true,
      modulePaths: ['/usr/lib/softhsm/libsofthsm2.so'],
    });
    try {
      const flow = createSigningFlow({
        api: createApiClient({ baseUrl: portal.slice(0, -1) }),
        tokens,
        guard: new SubmissionGuard(),
      });
      expect((await flow.load(verificationCode)).type).toBe('pin-required');
      const end = await flow.sign(flow.certificateChoices!.preselectedId!, '123456');
      expect(end).toMatchObject({
        type: 'done',
        result: {
          state: 'signed',
          signer: { name: 'AHMET YILMAZ' },
          report: { indication: 'TOTAL_PASSED', revocation: { source: 'ocsp', status: 'good' } },
        },
      });
    } finally {
      await tokens.close();
    }
  }, 60_000);

  it('SIGTERM stops it and everything it started', async () => {
    expect(await started.terminate()).toEqual({ code: 0, groupGone: true });
    await expect(fetch(portal)).rejects.toThrow();
  }, 30_000);
});
