import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '@eimza/testpki';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SubmissionGuard, createApiClient, createSigningFlow } from '@eimza/client';
import { openTokenService } from '@eimza/token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayAvailable, electronBinary } from '../../../scripts/electron-binary.mjs';

// `npm start` as a user runs it: scripts/start.mjs as a subprocess with stdin closed, a fresh
// state folder and free ports; the demo tokens it provisions sign against the API it serves.
const ROOT = join(import.meta.dirname, '..', '..', '..');

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

let state: string;
let child: ChildProcess;
let output = '';
let portal: string;

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), 'eimza-start-'));
  const port = await freePort();
  portal = `http://127.0.0.1:${port}/`;
  child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: what is left of it afterwards can be seen
    env: {
      ...process.env,
      EIMZA_STATE_DIR: state,
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
      if (output.includes('eimza is running')) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
}, 180_000);

afterAll(() => {
  if (child.exitCode === null && child.pid && groupAlive(child.pid))
    process.kill(-child.pid, 'SIGKILL');
  rmSync(state, { recursive: true, force: true });
});

describe('npm start', () => {
  it('prints the portal URL, the sign command and that it runs in test-PKI mode', () => {
    expect(output).toContain(`Portal:       ${portal}`);
    expect(output).toContain(`npm run eimza -- sign --code <code> --api ${portal.slice(0, -1)}`);
    expect(output).toContain('npm run eimza -- tokens');
    expect(output).toContain('TEST-PKI MODE');
  });

  it('opens the desktop app on the API, or says in one line why no window opens', async () => {
    const opens = electronBinary().path !== undefined && displayAvailable();
    const line = opens
      ? `Desktop app:  opened (API ${portal.slice(0, -1)})`
      : /^No desktop window: .+\. Sign with the eimza command above\.$/m;
    await expect.poll(() => output, { timeout: 30_000 }).toMatch(line);
    expect(output.match(/^(No desktop window|Desktop app): /gm)).toHaveLength(1);
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
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    process.kill(child.pid!, 'SIGTERM');
    expect(await exit).toBe(0);
    const deadline = Date.now() + 5000;
    while (groupAlive(child.pid!) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(groupAlive(child.pid!)).toBe(false);
    await expect(fetch(portal)).rejects.toThrow();
  }, 30_000);
});
