import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TCKN, startLiveTrust, type LiveTrust } from './support/pki.js';
import { openSse } from './support/sse.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const API = '/api/v1';
let live: LiveTrust;
let dir: string;

beforeAll(async () => {
  live = await startLiveTrust();
  dir = mkdtempSync(join(tmpdir(), 'eimza-api-server-'));
  writeFileSync(
    join(dir, 'anchors.pem'),
    live.running.pki
      .anchors()
      .map((a) => a.pem)
      .join('\n'),
  );
});
afterAll(async () => {
  await live?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  readonly child: ChildProcess;
  readonly base: string;
  readonly output: () => string;
  readonly exit: Promise<number | null>;
}

/** apps/api/src/server.ts on a free port; resolves once it logs where it listens. */
function startServer(env: Record<string, string>): Promise<Started> {
  // node with tsx's loader, not the tsx CLI: the signal must reach the server process itself.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/api/src/server.ts')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      EIMZA_STATE_DIR: dir,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${output}`));
    }, 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, base: match[1]!, output: () => output, exit });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe('server.ts', () => {
  it('on SIGTERM finishes the in-flight submission, ends SSE streams, closes the database and exits 0', async () => {
    const server = await startServer({
      EIMZA_TRUST_ANCHORS: join(dir, 'anchors.pem'),
      DATABASE_URL: join(dir, 'server.sqlite'),
    });
    try {
      expect(await (await fetch(`${server.base}/readyz`)).json()).toEqual({
        status: 'ready',
        database: 'sqlite',
        validator: true,
      });
      const created = await fetch(`${server.base}${API}/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ purpose: 'login', tckn: TCKN }),
      });
      const s = await created.json();
      const sse = await openSse(
        `${server.base}${API}/sessions/${s.sessionId}/events?token=${s.browserToken}`,
      );
      await sse.next();
      const challenge = await (
        await fetch(`${server.base}${API}/challenges/${s.verificationCode}`)
      ).json();
      const cms = await live.sign(await live.signer(), challenge.texts[0].content);

      const submission = fetch(`${server.base}${API}/challenges/${s.verificationCode}/signatures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ signatures: [{ textId: 't1', cms }] }),
      });
      // The signal must arrive while the server is working on the request (validation takes a while).
      await waitFor(() => /"url":"\/api\/v1\/challenges\/\d+\/signatures"/.test(server.output()));
      server.child.kill('SIGTERM');
      const res = await submission.catch(async (error: unknown) => {
        await Promise.race([server.exit, new Promise((r) => setTimeout(r, 5000))]);
        throw new Error(`submission failed: ${String(error)}\n${server.output()}`);
      });
      expect(res.status).toBe(200);
      await sse.ended;
      expect(await server.exit).toBe(0);
      expect(server.output()).toContain('shutting down');
      // SQLite removes the WAL file when its last connection closes cleanly.
      expect(existsSync(join(dir, 'server.sqlite'))).toBe(true);
      expect(existsSync(join(dir, 'server.sqlite-wal'))).toBe(false);
      expect(server.output()).not.toContain(s.browserToken);
      await expect(fetch(`${server.base}/healthz`)).rejects.toThrow();
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  });
});
