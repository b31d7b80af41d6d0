import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestPki } from '@eimza/testpki';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { createValidator } from './validation.js';
import type { ApiConfig, DatabaseConfig } from './plugins/config.js';

/**
 * A complete API configuration for tests (this package's and the client's and CLI's end-to-end
 * tests): loopback, an ephemeral port, rate limits out of the way; everything else as overridden.
 */
export function testConfig(
  database: DatabaseConfig,
  overrides: Partial<ApiConfig> = {},
): ApiConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    database,
    sessionTtlSeconds: 285,
    service: { name: 'NES Bireysel (test)', origin: 'https://nesbireysel.test.example' },
    trustAnchors: [],
    trustIntermediates: [],
    revocation: 'require',
    requiredPolicies: [],
    requireQualified: false,
    rateLimits: {
      sessions: { max: 10_000, windowMs: 60_000 },
      challenges: { max: 10_000, windowMs: 60_000 },
    },
    bodyLimitBytes: 256 * 1024,
    sweepIntervalMs: 60_000,
    clockSkewMs: 60_000,
    logLevel: 'info',
    trustProxy: false,
    ...overrides,
  };
}

/** The real API on one loopback port that can be stopped and started again (same database). */
export interface TestApi {
  /** `http://127.0.0.1:<port>` (no trailing slash): the same across restarts. */
  readonly url: string;
  readonly port: number;
  /** The running instance (throws while stopped). */
  readonly app: FastifyInstance;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** The real API (buildApp, SQLite in `work`) on 127.0.0.1, trusting the test PKI's roots and issuing CAs. */
export async function startTestApi(
  work: string,
  pki: TestPki,
  name: string,
  overrides: Partial<ApiConfig> = {},
): Promise<TestApi> {
  const anchors = join(work, `${name}-anchors.pem`);
  writeFileSync(
    anchors,
    pki
      .anchors()
      .map((a) => a.pem)
      .join('\n'),
  );
  const intermediates = join(work, `${name}-intermediates.pem`);
  writeFileSync(intermediates, [pki.issuingCa('rsa').pem, pki.issuingCa('ec').pem].join('\n'));
  const config = testConfig(
    { kind: 'sqlite', path: join(work, `${name}.sqlite`) },
    {
      trustAnchors: [anchors],
      trustIntermediates: [intermediates],
      logLevel: 'silent',
      ...overrides,
    },
  );
  let running: FastifyInstance | undefined;
  let port = 0;
  const start = async () => {
    if (running) return;
    const app = await buildApp({ config, validator: createValidator(config)! });
    await app.listen({ port, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('API has no address');
    port = address.port;
    running = app;
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get app() {
      if (!running) throw new Error('the API is stopped');
      return running;
    },
    async stop() {
      const app = running;
      running = undefined;
      await app?.close();
    },
    start,
  };
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

export { runNpmStart, type RunningStart } from './npm-start-runner.js';
