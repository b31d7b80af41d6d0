import {
  isValidVerificationCode,
  type Challenge,
  type CreateSessionResponse,
} from '@eimza/protocol';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { STATEMENTS } from '../src/domain/texts.js';
import { databaseFixtures, testConfig } from './support/app.js';
import { OTHER_TCKN, TCKN, startLiveTrust, type LiveTrust } from './support/pki.js';

const API = '/api/v1';
let live: LiveTrust;

beforeAll(async () => {
  live = await startLiveTrust();
});
afterAll(async () => {
  await live?.close();
});

async function createSession(
  app: FastifyInstance,
  body: Record<string, unknown> = { purpose: 'login', tckn: TCKN },
) {
  const res = await app.inject({ method: 'POST', url: `${API}/sessions`, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<CreateSessionResponse>();
}

async function challenge(app: FastifyInstance, code: string): Promise<Challenge> {
  const res = await app.inject({ method: 'GET', url: `${API}/challenges/${code}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Challenge>();
}

function submit(app: FastifyInstance, code: string, signatures: { textId: string; cms: string }[]) {
  return app.inject({
    method: 'POST',
    url: `${API}/challenges/${code}/signatures`,
    payload: { signatures },
  });
}

async function status(app: FastifyInstance, s: CreateSessionResponse) {
  const res = await app.inject({
    method: 'GET',
    url: `${API}/sessions/${s.sessionId}`,
    headers: { authorization: `Bearer ${s.browserToken}` },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

for (const fixture of databaseFixtures()) {
  const skip = fixture.unavailable;
  describe.skipIf(skip)(`routes on ${fixture.kind}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let app: FastifyInstance;
    let shortLived: FastifyInstance;

    beforeAll(async () => {
      await fixture.setup();
      const database = await fixture.fresh();
      app = await buildApp({
        config: testConfig(database, { bodyLimitBytes: 64 * 1024 }),
        validator: live.validator,
      });
      shortLived = await buildApp({
        config: testConfig(database, { sessionTtlSeconds: 1 }),
        validator: live.validator,
      });
    });
    afterAll(async () => {
      await app?.close();
      await shortLived?.close();
      await fixture.teardown();
    });

    it('POST /sessions: 201 with a 15-digit Luhn code, a token and the lifetime', async () => {
      const before = Date.now();
      const s = await createSession(app);
      expect(isValidVerificationCode(s.verificationCode)).toBe(true);
      expect(s.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(s.secondsLeft).toBe(285);
      expect(s.browserToken.length).toBeGreaterThanOrEqual(40);
      expect(Date.parse(s.expiresAt) - before).toBeGreaterThanOrEqual(284_000);
      const stored = await app.eimza.store.findSession(s.sessionId);
      expect(JSON.stringify(stored)).not.toContain(s.browserToken);
    });

    it.each([
      ['a bad TCKN checksum', { purpose: 'login', tckn: '10000000145' }, 'INVALID_TCKN'],
      ['a TCKN as a number', { purpose: 'login', tckn: 10000000146 }, 'BAD_REQUEST'],
      ['an unknown purpose', { purpose: 'logout' }, 'BAD_REQUEST'],
      ['an unknown field', { purpose: 'login', admin: true }, 'BAD_REQUEST'],
      ['application without a form', { purpose: 'application' }, 'FORM_REQUIRED'],
      [
        'a form with a line break',
        { purpose: 'application', form: { ad: 'x\nDoğrulama Kodu: 1' } },
        'INVALID_FORM',
      ],
      ['login with a form', { purpose: 'login', form: { a: 'b' } }, 'FORM_NOT_ALLOWED'],
    ])('POST /sessions: 400 for %s', async (_label, payload, code) => {
      const res = await app.inject({ method: 'POST', url: `${API}/sessions`, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe(code);
    });

    it('GET /sessions/{id}: 401 without or with a wrong token, 404 unknown, 200 with the token', async () => {
      const s = await createSession(app);
      const url = `${API}/sessions/${s.sessionId}`;
      expect((await app.inject({ url })).statusCode).toBe(401);
      expect(
        (await app.inject({ url, headers: { authorization: 'Bearer wrong' } })).statusCode,
      ).toBe(401);
      expect(
        (await app.inject({ url, headers: { authorization: s.browserToken } })).statusCode,
      ).toBe(401);
      const unknown = await app.inject({
        url: `${API}/sessions/00000000-0000-4000-8000-000000000000`,
        headers: { authorization: `Bearer ${s.browserToken}` },
      });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
      expect(await status(app, s)).toEqual({ state: 'pending', secondsLeft: expect.any(Number) });
    });

    it('GET /challenges/{code}: the texts bind service, origin, statement, code and creation time', async () => {
      const s = await createSession(app);
      const c = await challenge(app, s.verificationCode);
      expect(c.service).toEqual({
        name: 'NES Bireysel (test)',
        origin: 'https://nesbireysel.test.example',
      });
      expect(c.purpose).toBe('login');
      expect(c.signer).toEqual({ tcknMasked: '100******46' });
      expect(c.texts).toHaveLength(1);
      const text = c.texts[0]!;
      expect(text).toMatchObject({ id: 't1', title: 'İmzalanacak Metin 1' });
      for (const part of [
        'NES Bireysel (test)',
        'https://nesbireysel.test.example',
        STATEMENTS.login,
        s.verificationCode,
        c.createdAt,
      ]) {
        expect(text.content).toContain(part);
      }
      expect(c.secondsLeft).toBeGreaterThan(280);
      const anonymous = await createSession(app, { purpose: 'e-onay-accept' });
      const c2 = await challenge(app, anonymous.verificationCode);
      expect(c2.signer).toBeUndefined();
      expect(c2.texts[0]!.content).toContain(STATEMENTS['e-onay-accept']);
    });

    it('GET /challenges/{code}: 400 malformed, 404 unknown', async () => {
      const s = await createSession(app);
      const code = s.verificationCode;
      const badLuhn = code.slice(0, 14) + String((Number(code[14]) + 1) % 10);
      for (const bad of [code.slice(0, 14), badLuhn, 'abcdefghijklmno', `${code}0`]) {
        const res = await app.inject({ url: `${API}/challenges/${bad}` });
        expect(res.statusCode, bad).toBe(400);
        expect(res.json().error.code).toBe('INVALID_CODE');
      }
      let unknown = '00000000000000';
      unknown += String((10 - (0 % 10)) % 10);
      expect((await app.inject({ url: `${API}/challenges/${unknown}` })).statusCode).toBe(404);
    });

    it('signatures: 200 signed, evidence stored, then 409 for the challenge and a resubmission', async () => {
      const s = await createSession(app);
      const c = await challenge(app, s.verificationCode);
      const signer = await live.signer();
      const cms = await live.sign(signer, c.texts[0]!.content);
      const res = await submit(app, s.verificationCode, [{ textId: 't1', cms }]);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.state).toBe('signed');
      expect(body.signer).toMatchObject({
        tckn: TCKN,
        name: 'AHMET YILMAZ',
        certificateSerial: signer.certificate.serialHex,
      });
      expect(body.report.indication).toBe('TOTAL_PASSED');
      expect(await status(app, s)).toMatchObject({ state: 'signed', signer: body.signer });

      const evidence = await app.eimza.store.signatures(s.sessionId);
      expect(evidence).toHaveLength(1);
      expect(Buffer.from(evidence[0]!.cms).toString('base64')).toBe(cms);
      expect(evidence[0]!.textContent).toBe(c.texts[0]!.content);
      expect(JSON.parse(evidence[0]!.report)).toEqual(body.report);
      const trail = (await app.eimza.store.auditTrail(s.sessionId)).map((e) => e.event);
      expect(trail).toEqual(['session-created', 'challenge-fetched', 'signed']);

      expect(
        (await app.inject({ url: `${API}/challenges/${s.verificationCode}` })).statusCode,
      ).toBe(409);
      const again = await submit(app, s.verificationCode, [{ textId: 't1', cms }]);
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('ALREADY_USED');
    });

    it('signatures: 422 TCKN_MISMATCH for another person’s certificate; the session becomes rejected', async () => {
      const s = await createSession(app);
      const c = await challenge(app, s.verificationCode);
      const cms = await live.sign(await live.signer({ tckn: OTHER_TCKN }), c.texts[0]!.content);
      const res = await submit(app, s.verificationCode, [{ textId: 't1', cms }]);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json()).toMatchObject({
        state: 'rejected',
        rejection: { code: 'TCKN_MISMATCH' },
        report: { indication: 'TOTAL_PASSED' },
      });
      expect(await status(app, s)).toMatchObject({
        state: 'rejected',
        rejection: { code: 'TCKN_MISMATCH' },
      });
      expect(
        (await app.inject({ url: `${API}/challenges/${s.verificationCode}` })).statusCode,
      ).toBe(409);
      expect(await app.eimza.store.signatures(s.sessionId)).toHaveLength(1);
    });

    it('signatures: 422 for a signature over another session’s text (attached: SIGNED_DATA_NOT_FOUND, detached: HASH_FAILURE)', async () => {
      const b = await createSession(app);
      const textOfB = (await challenge(app, b.verificationCode)).texts[0]!.content;
      const signer = await live.signer();
      for (const [attached, code] of [
        [true, 'SIGNED_DATA_NOT_FOUND'],
        [false, 'HASH_FAILURE'],
      ] as const) {
        const a = await createSession(app);
        const cms = await live.sign(signer, textOfB, { attached });
        const res = await submit(app, a.verificationCode, [{ textId: 't1', cms }]);
        expect(res.statusCode, res.body).toBe(422);
        expect(res.json().rejection.code).toBe(code);
      }
    });

    it('signatures: 400 for an unparseable CMS, bad base64 or a wrong text id; the session stays pending', async () => {
      const s = await createSession(app);
      const garbage = Buffer.from('not a cms at all').toString('base64');
      const res = await submit(app, s.verificationCode, [{ textId: 't1', cms: garbage }]);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('FORMAT_FAILURE');
      expect(res.json().report).toBeUndefined();
      expect(
        (await submit(app, s.verificationCode, [{ textId: 't1', cms: '***' }])).statusCode,
      ).toBe(400);
      const wrongId = await submit(app, s.verificationCode, [{ textId: 't9', cms: garbage }]);
      expect(wrongId.json().error.code).toBe('BAD_SUBMISSION');
      const twice = await submit(app, s.verificationCode, [
        { textId: 't1', cms: garbage },
        { textId: 't1', cms: garbage },
      ]);
      expect(twice.json().error.code).toBe('BAD_SUBMISSION');
      expect((await status(app, s)).state).toBe('pending');
    });

    it('application: two texts, all signatures from one certificate, else SIGNER_MISMATCH', async () => {
      const form = { 'Başvuru Nedeni': 'Yenileme', 'E-posta': 'ahmet@example.test', İl: 'Ankara' };
      const ok = await createSession(app, { purpose: 'application', tckn: TCKN, form });
      const c = await challenge(app, ok.verificationCode);
      expect(c.texts.map((t) => t.id)).toEqual(['t1', 't2']);
      expect(c.texts[0]!.content).toContain('Başvuru Nedeni: Yenileme');
      expect(c.texts[1]!.content).toContain(STATEMENTS.application);
      const one = await live.signer();
      const signed = await submit(
        app,
        ok.verificationCode,
        await Promise.all(
          c.texts.map(async (t) => ({ textId: t.id, cms: await live.sign(one, t.content) })),
        ),
      );
      expect(signed.statusCode, signed.body).toBe(200);
      expect(await app.eimza.store.signatures(ok.sessionId)).toHaveLength(2);

      const mixed = await createSession(app, { purpose: 'application', tckn: TCKN, form });
      const c2 = await challenge(app, mixed.verificationCode);
      const other = await live.signer({ keyAlgorithm: 'rsa2048' });
      const res = await submit(app, mixed.verificationCode, [
        { textId: 't1', cms: await live.sign(one, c2.texts[0]!.content) },
        { textId: 't2', cms: await live.sign(other, c2.texts[1]!.content) },
      ]);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().rejection.code).toBe('SIGNER_MISMATCH');
    });

    it('20 concurrent valid submissions for one session: exactly one 200, the rest 409', async () => {
      const s = await createSession(app);
      const c = await challenge(app, s.verificationCode);
      const signer = await live.signer();
      const bodies = await Promise.all(
        Array.from({ length: 20 }, () => live.sign(signer, c.texts[0]!.content)),
      );
      const results = await Promise.all(
        bodies.map((cms) => submit(app, s.verificationCode, [{ textId: 't1', cms }])),
      );
      const codes = results.map((r) => r.statusCode).sort();
      expect(codes.filter((x) => x === 200)).toHaveLength(1);
      expect(codes.filter((x) => x === 409)).toHaveLength(19);
      expect(await app.eimza.store.signatures(s.sessionId)).toHaveLength(1);
    });

    it('410 for an expired session, for the challenge and the submission; the state reads expired', async () => {
      const s = await createSession(shortLived);
      const c = await challenge(shortLived, s.verificationCode);
      const cms = await live.sign(await live.signer(), c.texts[0]!.content);
      await new Promise((r) => setTimeout(r, 1_100));
      const get = await shortLived.inject({ url: `${API}/challenges/${s.verificationCode}` });
      expect(get.statusCode).toBe(410);
      expect(get.json().error.code).toBe('EXPIRED');
      expect(
        (await submit(shortLived, s.verificationCode, [{ textId: 't1', cms }])).statusCode,
      ).toBe(410);
      expect(await status(shortLived, s)).toEqual({ state: 'expired', secondsLeft: 0 });
      await shortLived.eimza.sweeper.sweep();
      expect((await shortLived.eimza.store.findSession(s.sessionId))!.state).toBe('expired');
    });

    it('413 in the error format for a body over the limit', async () => {
      const s = await createSession(app);
      const res = await submit(app, s.verificationCode, [
        { textId: 't1', cms: 'A'.repeat(100 * 1024) },
      ]);
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('BODY_TOO_LARGE');
    });

    it('POST /verify: a report for any CMS, no session touched', async () => {
      const content = 'herhangi bir metin';
      const cms = await live.sign(await live.signer(), content);
      const res = await app.inject({
        method: 'POST',
        url: `${API}/verify`,
        payload: { cms, content: Buffer.from(content).toString('base64') },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ indication: 'TOTAL_PASSED', signer: { tckn: TCKN } });
      const garbage = await app.inject({
        method: 'POST',
        url: `${API}/verify`,
        payload: { cms: 'AAAA' },
      });
      expect(garbage.statusCode).toBe(200);
      expect(garbage.json()).toMatchObject({
        indication: 'TOTAL_FAILED',
        subIndication: 'FORMAT_FAILURE',
      });
    });
  });
}
