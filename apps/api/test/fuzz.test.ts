import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { sqliteFixture, testConfig } from './support/app.js';
import { startLiveTrust, type LiveTrust } from './support/pki.js';

const database = sqliteFixture();
let live: LiveTrust;
let app: FastifyInstance;
let liveCode = '';
let sessionId = '';

/** mulberry32: a seeded PRNG so a failure can be replayed from the seed in its message. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  live = await startLiveTrust();
  await database.setup();
  app = await buildApp({
    config: testConfig(await database.fresh(), { bodyLimitBytes: 16 * 1024 }),
    validator: live.validator,
  });
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/sessions',
    payload: { purpose: 'login' },
  });
  liveCode = created.json().verificationCode;
  sessionId = created.json().sessionId;
});
afterAll(async () => {
  await app?.close();
  await database.teardown();
  await live?.close();
});

function requestFor(random: () => number): InjectOptions {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const text = (max: number) =>
    Array.from({ length: Math.floor(random() * max) }, () =>
      pick([
        'a',
        '0',
        '9',
        '/',
        '%',
        '?',
        '&',
        '=',
        '.',
        '-',
        'ş',
        'İ',
        '\u0000',
        ' ',
        '{',
        '"',
        '\\',
        '😀',
        '%zz',
        '..',
      ]),
    ).join('');
  const value = (depth: number): unknown => {
    switch (Math.floor(random() * (depth > 2 ? 5 : 7))) {
      case 0:
        return text(30);
      case 1:
        return Math.floor(random() * 1e12) * (random() < 0.5 ? -1 : 1);
      case 2:
        return random() < 0.5;
      case 3:
        return null;
      case 4:
        return pick(['login', 'application', '10000000146', liveCode, 't1', 'AAAA', 'MIIB', '']);
      case 5:
        return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      default: {
        const keys = [
          'purpose',
          'tckn',
          'form',
          'signatures',
          'textId',
          'cms',
          'content',
          '__proto__',
          'constructor',
          text(8),
        ];
        return Object.fromEntries(
          Array.from({ length: Math.floor(random() * 4) }, () => [pick(keys), value(depth + 1)]),
        );
      }
    }
  };
  const path = pick([
    '/api/v1/sessions',
    `/api/v1/sessions/${pick([sessionId, text(40), '00000000-0000-4000-8000-000000000000'])}`,
    `/api/v1/sessions/${pick([sessionId, text(20)])}/events?token=${encodeURIComponent(text(20))}`,
    `/api/v1/challenges/${pick([liveCode, text(20), '000000000000000', '1'.repeat(200)])}`,
    `/api/v1/challenges/${pick([liveCode, text(20)])}/signatures`,
    '/api/v1/verify',
    '/api/v1/openapi.json',
    `/${text(30)}`,
    `/api/v1/${text(20)}?${text(20)}`,
  ]);
  const method = pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const);
  const headers: Record<string, string> = {};
  if (random() < 0.5) headers.authorization = pick(['Bearer ', 'Bearer x', 'Basic abc', text(30)]);
  if (random() < 0.7)
    headers['content-type'] = pick([
      'application/json',
      'application/json; charset=latin1',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      text(10),
    ]);
  if (random() < 0.2) headers['x-forwarded-for'] = text(20);
  const payload =
    method === 'GET' || method === 'HEAD'
      ? undefined
      : pick([
          () => JSON.stringify(value(0)),
          () => text(200),
          () =>
            Buffer.from(
              Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256)),
            ),
          () =>
            JSON.stringify({
              signatures: [{ textId: 't1', cms: Buffer.from(text(100)).toString('base64') }],
            }),
          () => JSON.stringify({ cms: 'A'.repeat(Math.floor(random() * 40_000)) }),
        ])();
  return { method, url: path, headers, ...(payload !== undefined ? { payload } : {}) };
}

describe('route fuzz', () => {
  it('never answers 5xx, and every error is an ErrorBody (600 random requests)', async () => {
    const seed = Number(process.env.EIMZA_FUZZ_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    for (let i = 0; i < 600; i++) {
      const options = requestFor(random);
      let res;
      try {
        res = await app.inject(options);
      } catch (error) {
        // light-my-request itself refuses some header values; that is the client, not the API.
        if (error instanceof TypeError) continue;
        throw error;
      }
      const where = `seed ${seed}, request ${i}: ${options.method} ${options.url} → ${res.statusCode} ${res.body.slice(0, 200)}`;
      expect(res.statusCode, where).toBeLessThan(500);
      if (res.statusCode >= 400 && options.method !== 'HEAD') {
        expect(res.json(), where).toEqual({
          error: { code: expect.any(String), message: expect.any(String) },
        });
      }
    }
  });
});
