import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { sqliteFixture, testConfig } from './support/app.js';
import { TCKN, startLiveTrust, type LiveTrust } from './support/pki.js';

const API = '/api/v1';
const database = sqliteFixture();
let live: LiveTrust;
let app: FastifyInstance;
const logLines: string[] = [];

beforeAll(async () => {
  live = await startLiveTrust();
  await database.setup();
  const logStream = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(String(chunk));
      callback();
    },
  });
  app = await buildApp({
    config: testConfig(await database.fresh(), {
      rateLimits: {
        sessions: { max: 3, windowMs: 60_000 },
        challenges: { max: 5, windowMs: 60_000 },
      },
    }),
    validator: live.validator,
    logStream,
  });
});
afterAll(async () => {
  await app?.close();
  await database.teardown();
  await live?.close();
});

describe('the app around the routes', () => {
  it('rate-limits POST /sessions and GET /challenges per client address: 429 with Retry-After', async () => {
    const create = (ip: string) =>
      app.inject({
        method: 'POST',
        url: `${API}/sessions`,
        payload: { purpose: 'login' },
        remoteAddress: ip,
      });
    for (let i = 0; i < 3; i++) expect((await create('10.0.0.1')).statusCode).toBe(201);
    const limited = await create('10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toEqual({
      error: { code: 'RATE_LIMITED', message: expect.stringMatching(/retry/) },
    });
    expect((await create('10.0.0.2')).statusCode).toBe(201);

    const lookup = () =>
      app.inject({ url: `${API}/challenges/000000000000000`, remoteAddress: '10.0.0.3' });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await lookup()).statusCode);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
  });

  it('publishes OpenAPI 3 at /api/v1/openapi.json from the protocol schemas', async () => {
    const res = await app.inject({ url: `${API}/openapi.json` });
    expect(res.statusCode).toBe(200);
    const spec = res.json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/sessions',
        '/api/v1/sessions/{sessionId}',
        '/api/v1/sessions/{sessionId}/events',
        '/api/v1/challenges/{code}',
        '/api/v1/challenges/{code}/signatures',
        '/api/v1/verify',
      ]),
    );
    expect(Object.keys(spec.components.schemas)).toEqual(
      expect.arrayContaining([
        'Report',
        'Signer',
        'Challenge',
        'SessionStatus',
        'ErrorBody',
        'SignaturesRejected',
      ]),
    );
    expect(spec.components.schemas.Signer.properties).toHaveProperty('tckn');
  });

  it('answers /healthz, /readyz and Prometheus /metrics with request and validation figures', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({
      status: 'ready',
      database: 'sqlite',
      validator: true,
    });
    const content = 'metrik';
    await app.inject({
      method: 'POST',
      url: `${API}/verify`,
      payload: {
        cms: await live.sign(await live.signer(), content),
        content: Buffer.from(content).toString('base64'),
      },
    });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toMatch(
      /eimza_http_requests_total\{method="POST",route="\/api\/v1\/sessions",status="201"\} \d+/,
    );
    expect(metrics.body).toMatch(
      /eimza_signature_validations_total\{indication="TOTAL_PASSED"\} 1/,
    );
    expect(metrics.body).toMatch(/eimza_signature_validation_duration_seconds_count 1/);
    expect(metrics.body).toMatch(/eimza_http_request_duration_seconds_bucket/);
  });

  it('uses the one error format for unknown routes, bad JSON, wrong media types and unknown fields', async () => {
    const cases = [
      [await app.inject({ url: '/nowhere' }), 404, 'NOT_FOUND'],
      [await app.inject({ method: 'DELETE', url: `${API}/sessions` }), 404, 'NOT_FOUND'],
      [
        await app.inject({
          method: 'POST',
          url: `${API}/verify`,
          headers: { 'content-type': 'application/json' },
          payload: '{"cms":',
        }),
        400,
        'BAD_REQUEST',
      ],
      [
        await app.inject({
          method: 'POST',
          url: `${API}/verify`,
          headers: { 'content-type': 'application/xml' },
          payload: '<x/>',
        }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        await app.inject({
          method: 'POST',
          url: `${API}/verify`,
          payload: { cms: 'AAAA', extra: 1 },
        }),
        400,
        'BAD_REQUEST',
      ],
      [
        await app.inject({
          method: 'POST',
          url: `${API}/challenges/000000000000000/signatures`,
          payload: { signatures: [{ textId: 't1', cms: 'AAAA', x: 1 }] },
        }),
        400,
        'BAD_REQUEST',
      ],
    ] as const;
    for (const [res, status, code] of cases) {
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('answers 503 on the validation routes when no trust anchors are configured', async () => {
    const bare = await buildApp({ config: testConfig(await database.fresh()) });
    try {
      const res = await bare.inject({
        method: 'POST',
        url: `${API}/verify`,
        payload: { cms: 'AAAA' },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('VALIDATION_UNAVAILABLE');
      expect((await bare.inject({ url: '/readyz' })).json()).toMatchObject({ validator: false });
    } finally {
      await bare.close();
    }
  });

  it('logs JSON lines with request ids and never a browser token or a CMS', async () => {
    const created = await app.inject({
      method: 'POST',
      url: `${API}/sessions`,
      payload: { purpose: 'login', tckn: TCKN },
      remoteAddress: '10.0.0.9',
    });
    const s = created.json();
    await app.inject({
      url: `${API}/sessions/${s.sessionId}`,
      headers: { authorization: `Bearer ${s.browserToken}` },
    });
    await app
      .inject({
        url: `${API}/sessions/${s.sessionId}/events?token=${s.browserToken}&x=1`,
        headers: { 'x-forwarded-for': '1.2.3.4' },
      })
      .catch(() => {});
    const challenge = (
      await app.inject({
        url: `${API}/challenges/${s.verificationCode}`,
        remoteAddress: '10.0.0.9',
      })
    ).json();
    const cms = await live.sign(await live.signer(), challenge.texts[0].content);
    await app.inject({
      method: 'POST',
      url: `${API}/challenges/${s.verificationCode}/signatures`,
      payload: { signatures: [{ textId: 't1', cms }] },
    });
    const log = logLines.join('');
    expect(logLines.length).toBeGreaterThan(5);
    for (const line of logLines) expect(() => JSON.parse(line)).not.toThrow();
    expect(logLines.some((l) => JSON.parse(l).reqId)).toBe(true);
    expect(log).toContain('token=[REDACTED]');
    expect(log).not.toContain(s.browserToken);
    expect(log).not.toContain(cms.slice(0, 60));
  });
});
