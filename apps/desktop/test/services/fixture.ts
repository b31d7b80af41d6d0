import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, createValidator, type ApiConfig } from '@eimza/api';
import { testConfig } from '@eimza/api/testing';
import type { RunningTestPki } from '@eimza/testpki';
import type { FastifyInstance } from 'fastify';
import { SubmissionGuard } from '@eimza/client';
import type { TokenService } from '@eimza/token';
import { createDesktopServices, LOG_FILE, type DesktopServices } from '../../src/services/index.js';
import type {
  AppEvent,
  Channel,
  IpcResult,
  ResponseOf,
  SigningSnapshot,
} from '../../src/shared/ipc.js';

/** The real API (buildApp, SQLite in `work`) on 127.0.0.1, trusting the test PKI. */
export async function startApi(
  work: string,
  pki: RunningTestPki,
  name: string,
  overrides: Partial<ApiConfig> = {},
): Promise<{ app: FastifyInstance; url: string }> {
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
  return { app, url };
}

export interface CreatedSession {
  sessionId: string;
  verificationCode: string;
  browserToken: string;
}

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

/** The desktop services as the renderer meets them, with every event and answer recorded. */
export interface Desktop {
  services: DesktopServices;
  stateDir: string;
  events: AppEvent[];
  answers: unknown[];
  call<C extends Channel>(channel: C, request?: unknown): Promise<IpcResult<ResponseOf<C>>>;
  /** Calls and expects ok; the value. */
  value<C extends Channel>(channel: C, request?: unknown): Promise<ResponseOf<C>>;
  waitForEvent(match: (event: AppEvent) => boolean, timeoutMs?: number): Promise<AppEvent>;
  /** Runs synchronously as each event is pushed (the services wait for no one). */
  onEvent(listener: (event: AppEvent) => void): () => void;
  snapshots(): SigningSnapshot[];
  log(): string;
  close(): Promise<void>;
}

export async function startDesktop(options: {
  tokens?: TokenService;
  openTokens?: (modulePaths: string[]) => Promise<TokenService>;
  apiUrl: string;
  env?: NodeJS.ProcessEnv;
  watchIntervalMs?: number;
}): Promise<Desktop> {
  const stateDir = mkdtempSync(join(tmpdir(), 'eimza-desktop-'));
  const events: AppEvent[] = [];
  const answers: unknown[] = [];
  const waiters = new Set<() => void>();
  const listeners = new Set<(event: AppEvent) => void>();
  const services = await createDesktopServices({
    env: {
      EIMZA_STATE_DIR: stateDir,
      LANG: 'tr_TR.UTF-8',
      EIMZA_API_URL: options.apiUrl,
      ...options.env,
    },
    emit: (event) => {
      events.push(structuredClone(event));
      for (const listener of [...listeners]) listener(event);
      for (const check of [...waiters]) check();
    },
    ...(options.tokens ? { tokens: options.tokens } : {}),
    ...(options.openTokens ? { openTokens: options.openTokens } : {}),
    watchIntervalMs: options.watchIntervalMs ?? 200,
    api: { retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 10_000 },
    outcomeRecheckDelayMs: 50,
    guard: new SubmissionGuard(),
  });
  const call = async <C extends Channel>(channel: C, request?: unknown) => {
    const handler = services.handlers[channel];
    if (!handler) throw new Error(`${channel} is not registered`);
    const answer = (await handler(request)) as IpcResult<ResponseOf<C>>;
    // Answers cross IPC as JSON: so must they here.
    answers.push(JSON.parse(JSON.stringify(answer)));
    return answer;
  };
  return {
    services,
    stateDir,
    events,
    answers,
    call,
    async value(channel, request) {
      const answer = await call(channel, request);
      if (!answer.ok) throw new Error(`${channel}: ${answer.error.code} ${answer.error.message}`);
      return answer.value;
    },
    waitForEvent(match, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error('timed out waiting for an event'));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshots: () => events.flatMap((e) => (e.type === 'signing' ? [e.snapshot] : [])),
    log: () => {
      const path = join(stateDir, LOG_FILE);
      return existsSync(path) ? readFileSync(path, 'utf8') : '';
    },
    async close() {
      await services.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Every place a secret could leak to: events, answers, the log file, the settings file. */
export function leakedSecrets(desktop: Desktop, secrets: readonly string[]): string[] {
  const haystack = [
    JSON.stringify(desktop.events),
    JSON.stringify(desktop.answers),
    desktop.log(),
  ].join('\n');
  return secrets.filter((secret) => haystack.includes(secret));
}
