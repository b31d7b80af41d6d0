import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, createValidator, type ApiConfig } from '@eimza/api';
import { testConfig } from '@eimza/api/testing';
import {
  createTestTokens,
  startTestPki,
  type RunningTestPki,
  type TestTokens,
} from '@eimza/testpki';
import { openTokenService, type TokenService } from '@eimza/token';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SubmissionGuard,
  createApiClient,
  createSigningFlow,
  type ApiClient,
  type ClientError,
  type SigningFlowOptions,
} from '../src/index.js';
import { freshCode, record, types } from './support/flow-fixtures.js';

// The orchestration end to end: SoftHSM2 tokens certified by a live test PKI (OCSP, CRL on
// 127.0.0.1), and the REAL API (apps/api's buildApp, SQLite in a temp folder) listening on
// 127.0.0.1, trusting the test PKI's roots through its own configuration path.
const AHMET = '10000000146';
const AYSE = '12345678950';
const PIN = 'Gizli-PIN-4711';

let pki: RunningTestPki;
let tokens: TestTokens;
let service: TokenService;
let work: string;
const apps: FastifyInstance[] = [];

async function startApi(overrides: Partial<ApiConfig> = {}): Promise<ApiClient> {
  const config = testConfig(
    { kind: 'sqlite', path: join(work, `api-${apps.length}.sqlite`) },
    {
      trustAnchors: [join(work, 'anchors.pem')],
      trustIntermediates: [join(work, 'intermediates.pem')],
      ...overrides,
    },
  );
  const app = await buildApp({ config, validator: createValidator(config)! });
  apps.push(app);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return createApiClient({ baseUrl: address, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
}

function flowOn(api: ApiClient, extra: Partial<SigningFlowOptions> = {}) {
  return createSigningFlow({ api, tokens: service, guard: new SubmissionGuard(), ...extra });
}

async function failure(promise: Promise<unknown>): Promise<ClientError> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: ClientError) => error,
  );
}

let api: ApiClient;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'eimza-client-e2e-'));
  pki = await startTestPki();
  writeFileSync(
    join(work, 'anchors.pem'),
    pki.pki
      .anchors()
      .map((a) => a.pem)
      .join('\n'),
  );
  writeFileSync(
    join(work, 'intermediates.pem'),
    [pki.pki.issuingCa('rsa').pem, pki.pki.issuingCa('ec').pem].join('\n'),
  );
  tokens = await createTestTokens({
    pki: pki.pki,
    pin: PIN,
    tokens: [
      { label: 'EIMZA-RSA', keyType: 'rsa2048', tckn: AHMET, name: 'AHMET YILMAZ', ca: 'rsa' },
      { label: 'EIMZA-EC', keyType: 'ec-p256', tckn: AYSE, name: 'AYŞE KAYA', ca: 'ec' },
      {
        label: 'EIMZA-REVOKED',
        keyType: 'ec-p256',
        tckn: AYSE,
        name: 'AYŞE KAYA',
        ca: 'ec',
        variant: 'revoked',
      },
    ],
  });
  process.env.SOFTHSM2_CONF = tokens.confPath;
  service = await openTokenService({ explicitOnly: true, modulePaths: [tokens.modulePath] });
  api = await startApi();
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await service?.close();
  await pki?.close();
  tokens?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('signing flow against the real API', () => {
  it('login for a named person: signed by the API, and the browser side sees it', async () => {
    const session = await api.createSession({ purpose: 'login', tckn: AHMET });
    const flow = flowOn(api);
    const events = record(flow);
    await flow.load(session.verificationCode);
    expect(flow.challenge?.signer?.tcknMasked).toBe('100******46');
    expect(flow.certificateChoices!.usable.map((c) => c.tokenLabel)).toEqual(['EIMZA-RSA']);
    const outcome = await flow.sign(flow.certificateChoices!.preselectedId!, PIN);
    expect(outcome).toMatchObject({
      type: 'done',
      result: { state: 'signed', signer: { tckn: AHMET } },
    });
    expect(types(events)).toEqual([
      'challenge-loaded',
      'certificates',
      'pin-required',
      'signing',
      'submitted',
      'done',
    ]);
    const status = await api.getSession(session.sessionId, session.browserToken);
    expect(status).toMatchObject({ state: 'signed', signer: { tckn: AHMET } });
    // Used: a second app window for the same code ends typed, before any PIN.
    expect(await flowOn(api).load(session.verificationCode)).toMatchObject({
      type: 'failed',
      error: { code: 'ALREADY_USED', status: 409 },
    });
  });

  it('an application with several texts, signed with an EC key', async () => {
    const session = await api.createSession({
      purpose: 'application',
      tckn: AYSE,
      form: { reason: 'Yenileme', email: 'ayse@example.test' },
    });
    const flow = flowOn(api);
    await flow.load(session.verificationCode);
    expect(flow.challenge!.texts.map((t) => t.id)).toEqual(['t1', 't2']);
    const ec = flow.certificateChoices!.usable.find((c) => c.tokenLabel === 'EIMZA-EC')!;
    const outcome = await flow.sign(ec.id, PIN);
    expect(outcome).toMatchObject({
      type: 'done',
      result: { state: 'signed', signer: { tckn: AYSE } },
    });
  });

  it('a revoked certificate: the API rejects it and the flow reports the rejection with its report', async () => {
    const session = await api.createSession({ purpose: 'login' });
    const flow = flowOn(api);
    await flow.load(session.verificationCode);
    const revoked = flow.certificateChoices!.usable.find((c) => c.tokenLabel === 'EIMZA-REVOKED')!;
    const outcome = await flow.sign(revoked.id, PIN);
    expect(outcome).toMatchObject({
      type: 'done',
      result: {
        state: 'rejected',
        rejection: { code: 'REVOKED' },
        report: { subIndication: 'REVOKED' },
      },
    });
    expect((await api.getSession(session.sessionId, session.browserToken)).state).toBe('rejected');
  });

  it('a session for someone with no card here: said before any PIN', async () => {
    const session = await api.createSession({ purpose: 'login', tckn: '10000000078' });
    const flow = flowOn(api);
    expect(await flow.load(session.verificationCode)).toMatchObject({
      type: 'failed',
      error: { code: 'NO_CERTIFICATE_FOR_SIGNER' },
    });
  });

  it('wrong PIN, then the right one, against the real API', async () => {
    const session = await api.createSession({ purpose: 'e-onay-accept', tckn: AHMET });
    const flow = flowOn(api);
    await flow.load(session.verificationCode);
    const id = flow.certificateChoices!.preselectedId!;
    expect(await flow.sign(id, 'Yanlis-PIN-0815')).toMatchObject({
      type: 'failed',
      error: { code: 'PIN_INCORRECT' },
    });
    expect((await api.getSession(session.sessionId, session.browserToken)).state).toBe('pending');
    expect(await flow.sign(id, PIN)).toMatchObject({ type: 'done', result: { state: 'signed' } });
  });

  it('maps the real API’s HTTP outcomes: 404, 401, 400, 413, 410, 429', async () => {
    expect((await failure(api.getChallenge(freshCode()))).code).toBe('UNKNOWN_CODE');
    const session = await api.createSession({ purpose: 'login' });
    expect((await failure(api.getSession(session.sessionId, 'wrong-token'))).code).toBe(
      'UNAUTHORIZED',
    );
    expect((await failure(api.createSession({ purpose: 'login', tckn: '12345678901' }))).code).toBe(
      'BAD_REQUEST',
    );
    const huge = { signatures: [{ textId: 't1', cms: 'A'.repeat(400 * 1024) }] };
    expect((await failure(api.submitSignatures(session.verificationCode, huge))).code).toBe(
      'TOO_LARGE',
    );

    const shortLived = await startApi({ sessionTtlSeconds: 1 });
    const soon = await shortLived.createSession({ purpose: 'login' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await flowOn(shortLived).load(soon.verificationCode)).toEqual({ type: 'expired' });

    const limited = await startApi({
      rateLimits: {
        sessions: { max: 100, windowMs: 60_000 },
        challenges: { max: 2, windowMs: 60_000 },
      },
    });
    const code = (await limited.createSession({ purpose: 'login' })).verificationCode;
    await limited.getChallenge(code);
    await limited.getChallenge(code);
    const limitedError = await failure(limited.getChallenge(code));
    expect(limitedError.code).toBe('RATE_LIMITED');
    expect(limitedError.retryAfterSeconds).toBeGreaterThan(10);
  });
});
