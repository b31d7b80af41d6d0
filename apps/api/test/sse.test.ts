import type { CreateSessionResponse } from '@eimza/protocol';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { sqliteFixture, testConfig } from './support/app.js';
import { OTHER_TCKN, TCKN, startLiveTrust, type LiveTrust } from './support/pki.js';
import { openSse } from './support/sse.js';

const API = '/api/v1';
const database = sqliteFixture();
let live: LiveTrust;
let app: FastifyInstance;
let shortLived: FastifyInstance;
let base: string;
let shortBase: string;

async function json(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json() };
}

async function newSession(origin = base, tckn = TCKN): Promise<CreateSessionResponse> {
  const { status, body } = await json(`${origin}${API}/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ purpose: 'login', tckn }),
  });
  expect(status).toBe(201);
  return body;
}

async function signedBody(code: string, tckn = TCKN): Promise<string> {
  const { body } = await json(`${base}${API}/challenges/${code}`);
  const cms = await live.sign(await live.signer({ tckn }), body.texts[0].content);
  return JSON.stringify({ signatures: [{ textId: 't1', cms }] });
}

const eventsUrl = (origin: string, s: CreateSessionResponse) =>
  `${origin}${API}/sessions/${s.sessionId}/events?token=${encodeURIComponent(s.browserToken)}`;

beforeAll(async () => {
  live = await startLiveTrust();
  await database.setup();
  const db = await database.fresh();
  app = await buildApp({ config: testConfig(db), validator: live.validator });
  shortLived = await buildApp({
    config: testConfig(db, { sessionTtlSeconds: 1 }),
    validator: live.validator,
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  shortBase = await shortLived.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await shortLived?.close();
  await database.teardown();
  await live?.close();
});

describe('session events (SSE over a listening server)', () => {
  it('sends pending, then signed within 100 ms of the submission (median of 5 samples), then ends the stream', async () => {
    const afterAnswer: number[] = [];
    const afterSend: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await newSession();
      const sse = await openSse(eventsUrl(base, s));
      expect(sse.status).toBe(200);
      expect(sse.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(await sse.next()).toMatchObject({ event: 'state', data: { state: 'pending' } });

      const body = await signedBody(s.verificationCode);
      const sent = performance.now();
      const res = await fetch(`${base}${API}/challenges/${s.verificationCode}/signatures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const answered = performance.now();
      expect(res.status).toBe(200);
      const signed = await sse.next();
      expect(signed.event).toBe('state');
      expect(signed.data).toMatchObject({ state: 'signed', signer: { tckn: TCKN } });
      afterAnswer.push(signed.at - answered);
      afterSend.push(signed.at - sent);
      await sse.ended;
      expect(sse.events).toHaveLength(2);
    }
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(', ');
    console.log(
      `SSE latency (ms) after the 200 arrived: ${fmt(afterAnswer)}; after the submission was sent (validation included): ${fmt(afterSend)}`,
    );
    const sorted = [...afterAnswer].sort((x, y) => x - y);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(100);
    // Other test processes share the 2 cores: one slow sample is tolerated, not a slow median.
    expect(sorted.at(-1)).toBeLessThan(1_000);
  });

  it('sends rejected with its code when the signer is another person', async () => {
    const s = await newSession();
    const sse = await openSse(eventsUrl(base, s));
    await sse.next();
    const res = await fetch(`${base}${API}/challenges/${s.verificationCode}/signatures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: await signedBody(s.verificationCode, OTHER_TCKN),
    });
    expect(res.status).toBe(422);
    expect((await sse.next()).data).toMatchObject({
      state: 'rejected',
      rejection: { code: 'TCKN_MISMATCH' },
    });
    await sse.ended;
  });

  it('sends expired at the end of the lifetime, without waiting for the sweeper', async () => {
    const s = await newSession(shortBase);
    const sse = await openSse(eventsUrl(shortBase, s));
    const opened = performance.now();
    expect((await sse.next()).data).toMatchObject({ state: 'pending' });
    const expired = await sse.next(3_000);
    expect(expired.data).toEqual({ state: 'expired', secondsLeft: 0 });
    expect(expired.at - opened).toBeLessThan(1_500);
    await sse.ended;
    const trail = await shortLived.eimza.store.auditTrail(s.sessionId);
    expect(trail.map((e) => e.event)).toContain('expired');
  });

  it('a stream opened on a finished session sends the final state once and ends', async () => {
    const s = await newSession();
    const res = await fetch(`${base}${API}/challenges/${s.verificationCode}/signatures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: await signedBody(s.verificationCode),
    });
    expect(res.status).toBe(200);
    const sse = await openSse(eventsUrl(base, s));
    await sse.ended;
    expect(sse.events.map((e) => (e.data as { state: string }).state)).toEqual(['signed']);
  });

  it('401 in the error format without or with a wrong token', async () => {
    const s = await newSession();
    for (const query of ['', '?token=wrong']) {
      const { status, body } = await json(`${base}${API}/sessions/${s.sessionId}/events${query}`);
      expect(status).toBe(401);
      expect(body.error.code).toBe('UNAUTHORIZED');
    }
  });

  it('closing the app ends open streams instead of waiting for the browsers', async () => {
    const db = await database.fresh();
    const closing = await buildApp({ config: testConfig(db), validator: live.validator });
    const origin = await closing.listen({ port: 0, host: '127.0.0.1' });
    const s = await newSession(origin);
    const streams = await Promise.all([
      openSse(eventsUrl(origin, s)),
      openSse(eventsUrl(origin, s)),
    ]);
    await Promise.all(streams.map((x) => x.next()));
    expect(closing.eimza.streams.size).toBe(2);
    const started = performance.now();
    await closing.close();
    await Promise.all(streams.map((x) => x.ended));
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
