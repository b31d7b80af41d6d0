import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createApiClient,
  type ApiClient,
  type ClientError,
  CLIENT_ERROR_CODES,
  MESSAGES,
} from '../src/index.js';
import { CODE, SIGNER, challengeBody, reportBody } from './support/protocol-fixtures.js';
import {
  makeSelfSignedCertificate,
  sendJson,
  startLocalServer,
  type LocalServer,
} from './support/local-server.js';

async function failure(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise;
  } catch (error) {
    return error as ClientError;
  }
  throw new Error('expected a failure');
}

const noRetryWait = { baseDelayMs: 5, maxDelayMs: 20 };
const submission = { signatures: [{ textId: 't1', cms: 'MIIB' }] };

describe('API client against a local HTTP server', () => {
  let server: LocalServer;
  let api: ApiClient;

  beforeAll(async () => {
    server = await startLocalServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests = [];
    api = createApiClient({ baseUrl: server.origin, timeoutMs: 1000, retry: noRetryWait });
  });

  it('reads a challenge and checks it against the schema', async () => {
    server.handle = (_req, res) => sendJson(res, 200, challengeBody());
    const challenge = await api.getChallenge(`${CODE.slice(0, 3)} ${CODE.slice(3)}`);
    expect(challenge.texts[0]?.id).toBe('t1');
    expect(server.requests).toEqual([`GET /api/v1/challenges/${CODE}`]);
  });

  it('refuses a malformed code before any request', async () => {
    const error = await failure(
      api.getChallenge(CODE.slice(0, 14) + String((Number(CODE[14]) + 1) % 10)),
    );
    expect(error.code).toBe('MALFORMED_CODE');
    expect(server.requests).toEqual([]);
  });

  it.each([
    [400, { error: { code: 'MALFORMED_CODE', message: 'bad' } }, 'MALFORMED_CODE'],
    [400, { error: { code: 'INVALID_CODE', message: 'bad' } }, 'MALFORMED_CODE'],
    [404, { error: { code: 'UNKNOWN_CODE', message: 'x' } }, 'UNKNOWN_CODE'],
    [409, { error: { code: 'ALREADY_USED', message: 'x' } }, 'ALREADY_USED'],
    [410, { error: { code: 'EXPIRED', message: 'x' } }, 'EXPIRED'],
    [413, { error: { code: 'TOO_LARGE', message: 'x' } }, 'TOO_LARGE'],
    [418, { error: { code: 'TEAPOT', message: 'x' } }, 'PROTOCOL_ERROR'],
  ] as const)('maps status %i (%j) to %s without retrying', async (status, body, code) => {
    server.handle = (_req, res) => sendJson(res, status, body);
    const error = await failure(api.getChallenge(CODE));
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(server.requests).toHaveLength(1);
  });

  it('maps a 400 on the signature POST to BAD_REQUEST unless it names the code', async () => {
    server.handle = (_req, res) => sendJson(res, 400, { error: { code: 'BAD_CMS', message: 'x' } });
    expect((await failure(api.submitSignatures(CODE, submission))).code).toBe('BAD_REQUEST');
    server.handle = (_req, res) =>
      sendJson(res, 400, { error: { code: 'INVALID_CODE', message: 'x' } });
    expect((await failure(api.submitSignatures(CODE, submission))).code).toBe('MALFORMED_CODE');
  });

  it('maps 422 to REJECTED with the rejection and the report', async () => {
    server.handle = (_req, res) =>
      sendJson(res, 422, {
        state: 'rejected',
        rejection: { code: 'HASH_FAILURE', message: 'content differs' },
        report: reportBody(false),
      });
    const error = await failure(api.submitSignatures(CODE, submission));
    expect(error.code).toBe('REJECTED');
    expect(error.rejection?.code).toBe('HASH_FAILURE');
    expect(error.report?.subIndication).toBe('HASH_FAILURE');
    expect(error.localised('tr')).toContain('content differs');
  });

  it('takes a 422 without a rejection body for a protocol error', async () => {
    server.handle = (_req, res) => sendJson(res, 422, { nope: true });
    expect((await failure(api.submitSignatures(CODE, submission))).code).toBe('PROTOCOL_ERROR');
  });

  it('accepts signatures with one POST', async () => {
    server.handle = (_req, res, body) => {
      expect(JSON.parse(body)).toEqual(submission);
      sendJson(res, 200, { state: 'signed', signer: SIGNER, report: reportBody(true) });
    };
    const accepted = await api.submitSignatures(CODE, submission);
    expect(accepted.signer.tckn).toBe(SIGNER.tckn);
    expect(server.requests).toEqual([`POST /api/v1/challenges/${CODE}/signatures`]);
  });

  it('never retries the signature POST, even on a 503', async () => {
    server.handle = (_req, res) =>
      sendJson(res, 503, { error: { code: 'UNAVAILABLE', message: 'x' } });
    const error = await failure(api.submitSignatures(CODE, submission));
    expect(error.code).toBe('SERVER_ERROR');
    expect(server.requests).toHaveLength(1);
  });

  it('retries a GET on 5xx with back-off and succeeds', async () => {
    let n = 0;
    server.handle = (_req, res) => {
      n += 1;
      if (n < 3) sendJson(res, 503, { error: { code: 'UNAVAILABLE', message: 'x' } });
      else sendJson(res, 200, challengeBody());
    };
    await api.getChallenge(CODE);
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after the configured attempts with SERVER_ERROR', async () => {
    server.handle = (_req, res) => res.writeHead(500).end('boom');
    const error = await failure(api.getChallenge(CODE));
    expect(error.code).toBe('SERVER_ERROR');
    expect(server.requests).toHaveLength(3);
  });

  it('reports 429 with Retry-After, waits for a short one and retries', async () => {
    let n = 0;
    server.handle = (_req, res) => {
      n += 1;
      if (n === 1)
        sendJson(
          res,
          429,
          { error: { code: 'RATE_LIMITED', message: 'x' } },
          { 'retry-after': '1' },
        );
      else sendJson(res, 200, challengeBody());
    };
    const started = performance.now();
    await api.getChallenge(CODE);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(server.requests).toHaveLength(2);
  });

  it('does not wait for a long Retry-After: RATE_LIMITED with its seconds', async () => {
    server.handle = (_req, res) =>
      sendJson(
        res,
        429,
        { error: { code: 'RATE_LIMITED', message: 'x' } },
        { 'retry-after': '120' },
      );
    const error = await failure(api.getChallenge(CODE));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterSeconds).toBe(120);
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['not JSON', 'text/plain', 'hello'],
    ['wrong shape', 'application/json', JSON.stringify({ service: 'x' })],
    [
      'secondsLeft negative',
      'application/json',
      JSON.stringify(challengeBody({ secondsLeft: -1 })),
    ],
  ])('turns a malformed answer (%s) into PROTOCOL_ERROR', async (_name, type, text) => {
    server.handle = (_req, res) => res.writeHead(200, { 'content-type': type }).end(text);
    const error = await failure(api.getChallenge(CODE));
    expect(error.code).toBe('PROTOCOL_ERROR');
    expect(error.detail).toBeTruthy();
  });

  it('does not follow redirects and refuses oversized answers: PROTOCOL_ERROR', async () => {
    server.handle = (_req, res) => res.writeHead(302, { location: 'http://127.0.0.1:9/' }).end();
    expect((await failure(api.getChallenge(CODE))).code).toBe('PROTOCOL_ERROR');
    server.handle = (_req, res) => sendJson(res, 200, challengeBody());
    const small = createApiClient({ baseUrl: server.origin, maxResponseBytes: 100 });
    expect((await failure(small.getChallenge(CODE))).code).toBe('PROTOCOL_ERROR');
  });

  it('sends the browser token and maps 401 for sessions', async () => {
    server.handle = (req, res) => {
      if (req.headers.authorization === 'Bearer good')
        sendJson(res, 200, { state: 'pending', secondsLeft: 100 });
      else sendJson(res, 401, { error: { code: 'UNAUTHORIZED', message: 'x' } });
    };
    const id = '6f1c1a52-7f43-4a43-9b5e-5f0a3c1a2b3c';
    expect((await api.getSession(id, 'good')).state).toBe('pending');
    expect((await failure(api.getSession(id, 'bad'))).code).toBe('UNAUTHORIZED');
  });

  it('creates a session once (POST, no retry) and verifies', async () => {
    server.handle = (req, res) => {
      if (req.url === '/api/v1/sessions')
        sendJson(res, 201, {
          sessionId: '6f1c1a52-7f43-4a43-9b5e-5f0a3c1a2b3c',
          verificationCode: CODE,
          expiresAt: new Date().toISOString(),
          secondsLeft: 285,
          browserToken: 'secret',
        });
      else sendJson(res, 200, reportBody(true));
    };
    expect((await api.createSession({ purpose: 'login' })).verificationCode).toBe(CODE);
    expect((await api.verify({ cms: 'MIIB' })).indication).toBe('TOTAL_PASSED');
  });

  it('times out a silent server with TIMEOUT (retried, as a GET)', async () => {
    server.handle = () => undefined;
    const started = performance.now();
    const error = await failure(api.getChallenge(CODE));
    expect(error.code).toBe('TIMEOUT');
    expect(server.requests).toHaveLength(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2900);
  });

  it('cancels a pending request with CANCELLED', async () => {
    server.handle = () => undefined;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(api.getChallenge(CODE, { signal: controller.signal }));
    expect(error.code).toBe('CANCELLED');
    expect(server.requests).toHaveLength(1);
  });

  it('reports a dropped connection as NETWORK', async () => {
    server.handle = (req) => req.socket.destroy();
    expect((await failure(api.getChallenge(CODE))).code).toBe('NETWORK');
  });

  it('reports a closed port as NETWORK', async () => {
    const closed = await startLocalServer();
    await closed.close();
    const offline = createApiClient({ baseUrl: closed.origin, retry: { attempts: 1 } });
    const error = await failure(offline.getChallenge(CODE));
    expect(error.code).toBe('NETWORK');
    expect(error.detail).toBe('ECONNREFUSED');
  });
});

describe('API client over https with a self-signed certificate', () => {
  const right = makeSelfSignedCertificate('IP:127.0.0.1');
  const wrongHost = makeSelfSignedCertificate('DNS:api.example.test');
  let server: LocalServer;
  let mismatched: LocalServer;

  beforeAll(async () => {
    server = await startLocalServer(right);
    mismatched = await startLocalServer(wrongHost);
    server.handle = mismatched.handle = (_req, res) => sendJson(res, 200, challengeBody());
  });
  afterAll(async () => {
    await server.close();
    await mismatched.close();
    right.cleanup();
    wrongHost.cleanup();
  });

  it('refuses the untrusted certificate with TLS and does not retry', async () => {
    const api = createApiClient({ baseUrl: server.origin, retry: noRetryWait });
    const error = await failure(api.getChallenge(CODE));
    expect(error.code).toBe('TLS');
    expect(error.detail).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(server.requests).toEqual([]);
  });

  it('trusts it through the extra CA file', async () => {
    const api = createApiClient({ baseUrl: server.origin, extraCaFile: right.certFile });
    expect((await api.getChallenge(CODE)).purpose).toBe('login');
  });

  it('refuses a trusted certificate for another host name with TLS', async () => {
    const api = createApiClient({ baseUrl: mismatched.origin, extraCaFile: wrongHost.certFile });
    const error = await failure(api.getChallenge(CODE));
    expect(error.code).toBe('TLS');
    expect(error.detail).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });
});

describe('message table', () => {
  it('has a Turkish and an English message for every code', () => {
    for (const code of CLIENT_ERROR_CODES) {
      expect(MESSAGES[code].tr.length, code).toBeGreaterThan(10);
      expect(MESSAGES[code].en.length, code).toBeGreaterThan(10);
      expect(MESSAGES[code].tr).not.toBe(MESSAGES[code].en);
    }
  });
});
