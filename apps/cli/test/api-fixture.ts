import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, createValidator, type ApiConfig } from '@eimza/api';
import { testConfig } from '@eimza/api/testing';
import type { RunningTestPki } from '@eimza/testpki';
import type { FastifyInstance } from 'fastify';

/** The real API (apps/api's buildApp, SQLite in `work`) on 127.0.0.1, trusting the test PKI's anchors. */
export async function startApi(
  work: string,
  pki: RunningTestPki,
  name: string,
  overrides: Partial<ApiConfig> = {},
): Promise<{ app: FastifyInstance; url: string; config: ApiConfig }> {
  const anchors = join(work, 'anchors.pem');
  writeFileSync(
    anchors,
    pki.pki
      .anchors()
      .map((a) => a.pem)
      .join('\n'),
  );
  const intermediates = join(work, 'intermediates.pem');
  writeFileSync(
    intermediates,
    [pki.pki.issuingCa('rsa').pem, pki.pki.issuingCa('ec').pem].join('\n'),
  );
  const config = testConfig(
    { kind: 'sqlite', path: join(work, `${name}.sqlite`) },
    {
      trustAnchors: [anchors],
      trustIntermediates: [intermediates],
      logLevel: 'silent',
      ...overrides,
    },
  );
  const app = await buildApp({ config, validator: createValidator(config)! });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url, config };
}

export interface CreatedSession {
  sessionId: string;
  verificationCode: string;
  browserToken: string;
}

/** Creates a session over HTTP, as the portal page does. */
export async function createSession(
  url: string,
  body: Record<string, unknown>,
): Promise<CreatedSession> {
  const response = await fetch(`${url}/api/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`POST /sessions: ${response.status}`);
  return (await response.json()) as CreatedSession;
}

/** The session's state as the portal's browser side reads it (through `app.inject`, so it works on a closed app too). */
export async function sessionState(
  app: FastifyInstance,
  session: CreatedSession,
): Promise<Record<string, unknown>> {
  const response = await app.inject({
    method: 'GET',
    url: `/api/v1/sessions/${session.sessionId}`,
    headers: { authorization: `Bearer ${session.browserToken}` },
  });
  return response.json();
}

/** A CLI run whose standard input stays open until the test writes to it: for steps between challenge and PIN. */
export interface LiveCli {
  child: ChildProcessWithoutNullStreams;
  output(): { stdout: string; stderr: string };
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export function startCli(binary: string, args: string[], env: NodeJS.ProcessEnv): LiveCli {
  const child = spawn(process.execPath, [binary, ...args], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  const onData = () => waiters.forEach((check) => check());
  child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString('utf8')), onData()));
  child.stderr.on('data', (chunk: Buffer) => ((stderr += chunk.toString('utf8')), onData()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return {
    child,
    output: () => ({ stdout, stderr }),
    done,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${pattern}: ${stdout}\n${stderr}`)),
          timeoutMs,
        );
        const check = () => {
          if (pattern.test(stdout) || pattern.test(stderr)) {
            clearTimeout(timer);
            resolve();
          }
        };
        waiters.push(check);
        void done.then(() => check());
        check();
      }),
  };
}
