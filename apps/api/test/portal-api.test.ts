import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { applicationErrors, type ApplicationInput } from '../src/portal/form.js';
import type { SmsSender } from '../src/portal/sms.js';
import { testConfig } from './support/app.js';
import { OTHER_TCKN, TCKN, startLiveTrust, type LiveTrust } from './support/pki.js';

// The portal's server side through HTTP injection: what the page cannot be trusted to check.
let trust: LiveTrust;
let work: string;
const apps: FastifyInstance[] = [];

const FORM: ApplicationInput = {
  tckn: TCKN,
  reason: 'Kayıp Çalıntı',
  cardReader: 'Mini kart okuyucu (USB)',
  term: '3 yıl',
  securityWord: 'papatya',
  securityWordRepeat: 'papatya',
  institution: 'Sağlık Bakanlığı',
  unit: 'Bilgi İşlem',
  title: 'Uzman',
  address: 'Bilkent',
  province: 'Ankara',
  district: 'Çankaya',
  postalCode: '06800',
  email: 'a@example.gov.tr',
  workPhone: '03121234567',
  workPhoneExtension: '',
  mobilePhone: '05051234567',
  operator: 'Vodafone',
  notification: 'SMS',
};

async function portal(
  options: { origin?: string; sms?: SmsSender } = {},
): Promise<FastifyInstance> {
  const config = testConfig(
    { kind: 'sqlite', path: join(work, `p-${apps.length}.sqlite`) },
    options.origin ? { service: { name: 'NES Bireysel (test)', origin: options.origin } } : {},
  );
  const app = await buildApp({
    config,
    validator: trust.validator,
    ...(options.sms ? { sms: options.sms } : {}),
  });
  apps.push(app);
  return app;
}

type Opened = { sessionId: string; browserToken: string; verificationCode: string };

async function open(app: FastifyInstance, body: object, cookie?: string) {
  return app.inject({
    method: 'POST',
    url: '/portal/api/sign',
    payload: body,
    ...(cookie ? { headers: { cookie } } : {}),
  });
}

/** Signs every text of the session as the person with `tckn`. */
async function sign(app: FastifyInstance, opened: Opened, tckn = TCKN) {
  const signer = await trust.signer({ tckn });
  const challenge = (
    await app.inject({ url: `/api/v1/challenges/${opened.verificationCode}` })
  ).json();
  const signatures = [];
  for (const text of challenge.texts) {
    signatures.push({ textId: text.id, cms: await trust.sign(signer, text.content) });
  }
  return app.inject({
    method: 'POST',
    url: `/api/v1/challenges/${opened.verificationCode}/signatures`,
    payload: { signatures },
  });
}

function complete(app: FastifyInstance, opened: Opened, cookie?: string) {
  return app.inject({
    method: 'POST',
    url: '/portal/api/sign/complete',
    payload: { sessionId: opened.sessionId, browserToken: opened.browserToken },
    ...(cookie ? { headers: { cookie } } : {}),
  });
}

/** A signed login; the cookie header to send afterwards. */
async function login(app: FastifyInstance): Promise<string> {
  const opened: Opened = (await open(app, { kind: 'login', tckn: TCKN })).json();
  expect((await sign(app, opened)).statusCode).toBe(200);
  const done = await complete(app, opened);
  expect(done.statusCode).toBe(200);
  return String(done.headers['set-cookie']).split(';')[0]!;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'eimza-portal-api-'));
  trust = await startLiveTrust();
}, 60_000);

afterAll(async () => {
  for (const app of apps) await app.close();
  await trust?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('portal API', () => {
  it('completes a login once, only when signed and only with the browser token', async () => {
    const app = await portal({ origin: 'https://nesbireysel.test.example' });
    const opened: Opened = (await open(app, { kind: 'login', tckn: TCKN })).json();
    expect((await complete(app, opened)).json().error.code).toBe('NOT_SIGNED');
    expect((await sign(app, opened)).statusCode).toBe(200);
    const forged = await complete(app, { ...opened, browserToken: 'x'.repeat(43) });
    expect(forged.statusCode).toBe(404);
    const done = await complete(app, opened);
    expect(done.json()).toEqual({ done: 'login', name: 'AHMET YILMAZ' });
    const cookie = String(done.headers['set-cookie']);
    expect(cookie).toMatch(
      /^eimza_portal=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=1800; Secure$/,
    );
    // Completed once: the portal has forgotten the session.
    expect((await complete(app, opened)).statusCode).toBe(404);
    const me = await app.inject({
      url: '/portal/api/me',
      headers: { cookie: cookie.split(';')[0]! },
    });
    expect(me.json()).toMatchObject({ loggedIn: true, name: 'AHMET YILMAZ', tckn: TCKN });
  }, 30_000);

  it('refuses a login TCKN with a bad checksum and operations without a login', async () => {
    const app = await portal();
    expect((await open(app, { kind: 'login', tckn: '10000000147' })).statusCode).toBe(400);
    expect((await open(app, { kind: 'operation', operation: 'iptal-et' })).statusCode).toBe(401);
    expect((await open(app, { kind: 'e-onay-accept' })).statusCode).toBe(401);
    const stranger = await open(app, { kind: 'e-onay-accept' }, 'eimza_portal=guessed');
    expect(stranger.statusCode).toBe(401);
  });

  it('an operation is its own signed application session, audited once signed', async () => {
    const app = await portal();
    const cookie = await login(app);
    expect((await open(app, { kind: 'operation', operation: 'sil' }, cookie)).statusCode).toBe(400);
    const opened: Opened = (
      await open(app, { kind: 'operation', operation: 'iptal-et' }, cookie)
    ).json();
    const challenge = (
      await app.inject({ url: `/api/v1/challenges/${opened.verificationCode}` })
    ).json();
    expect(challenge.purpose).toBe('application');
    expect(challenge.signer.tcknMasked).toBe('100******46');
    expect(challenge.texts[0].content).toContain('operation: iptal-et');
    expect((await sign(app, opened)).statusCode).toBe(200);
    expect((await complete(app, opened, cookie)).json()).toMatchObject({ operation: 'iptal-et' });
    const rows = await app.eimza.store.auditTrail(opened.sessionId);
    expect(rows.filter((r) => r.event === 'portal-action')).toEqual([
      expect.objectContaining({ detail: { action: 'iptal-et', tckn: TCKN } }),
    ]);
  }, 30_000);

  it('E-Onay cannot be cancelled before it is given, nor given twice', async () => {
    const app = await portal();
    const cookie = await login(app);
    expect((await open(app, { kind: 'e-onay-cancel' }, cookie)).statusCode).toBe(409);
    const opened: Opened = (await open(app, { kind: 'e-onay-accept' }, cookie)).json();
    await sign(app, opened);
    expect((await complete(app, opened, cookie)).json()).toEqual({ done: 'e-onay-accept' });
    expect((await open(app, { kind: 'e-onay-accept' }, cookie)).statusCode).toBe(409);
    expect((await open(app, { kind: 'e-onay-cancel' }, cookie)).statusCode).toBe(201);
  }, 30_000);

  it('another person’s signature on a login is rejected by the API and never logs in', async () => {
    const app = await portal();
    const opened: Opened = (await open(app, { kind: 'login', tckn: TCKN })).json();
    const answer = await sign(app, opened, OTHER_TCKN);
    expect(answer.json().rejection.code).toBe('TCKN_MISMATCH');
    const done = await complete(app, opened);
    expect(done.statusCode).toBe(409);
    expect(done.headers['set-cookie']).toBeUndefined();
  }, 30_000);

  it('application: SMS code through the pluggable sender, five wrong codes end it, signing waits for the code', async () => {
    const sent: { to: string; text: string }[] = [];
    const app = await portal({ sms: { send: async (to, text) => void sent.push({ to, text }) } });
    expect((await app.inject({ url: '/dev/sms-outbox' })).statusCode).toBe(404);
    const cookie = await login(app);
    const post = (url: string, payload: object) =>
      app.inject({ method: 'POST', url, payload, headers: { cookie } });
    const created = await post('/portal/api/application', FORM);
    expect(created.json().phone).toBe('0505*****67');
    const { applicationId } = created.json();
    expect(sent).toHaveLength(1);
    const code = /(\d{6})$/.exec(sent[0]!.text)![1]!;
    expect((await open(app, { kind: 'application', applicationId }, cookie)).statusCode).toBe(409);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) {
      expect(
        (await post(`/portal/api/application/${applicationId}/sms`, { code: wrong })).statusCode,
      ).toBe(400);
    }
    expect(
      (await post(`/portal/api/application/${applicationId}/sms`, { code: wrong })).statusCode,
    ).toBe(410);
    expect((await post(`/portal/api/application/${applicationId}/sms`, { code })).statusCode).toBe(
      404,
    );

    const again = (await post('/portal/api/application', FORM)).json();
    const code2 = /(\d{6})$/.exec(sent[1]!.text)![1]!;
    expect(
      (await post(`/portal/api/application/${again.applicationId}/sms`, { code: code2 })).json(),
    ).toEqual({ confirmed: true });
    const opened: Opened = (
      await open(app, { kind: 'application', applicationId: again.applicationId }, cookie)
    ).json();
    expect((await sign(app, opened)).statusCode).toBe(200);
    expect((await complete(app, opened, cookie)).json()).toEqual({ done: 'application' });
  }, 60_000);

  it('the development outbox escapes what it shows', async () => {
    const app = await portal();
    const cookie = await login(app);
    await app.inject({
      method: 'POST',
      url: '/portal/api/application',
      payload: { ...FORM, mobilePhone: '<script>alert(1)</script>' },
      headers: { cookie },
    });
    const page = await app.inject({ url: '/dev/sms-outbox' });
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('Geliştirme SMS Kutusu');
    expect(page.body).not.toContain('<script>');
  }, 30_000);
});

describe('Başvuru form rules', () => {
  it('accepts a complete form and names each problem field by field', () => {
    expect(applicationErrors(FORM, TCKN)).toEqual({});
    expect(
      applicationErrors(
        {
          ...FORM,
          tckn: OTHER_TCKN,
          postalCode: '6800',
          securityWordRepeat: 'papatyA',
          reason: 'Başka',
          email: 'yok',
          workPhoneExtension: '12a',
          mobilePhone: '03121234567',
          unit: ' ',
        },
        TCKN,
      ),
    ).toEqual({
      tckn: 'Başvuru yalnızca giriş yapan kişi adına yapılabilir.',
      postalCode: 'Posta kodu 5 haneli olmalıdır.',
      securityWordRepeat: 'Güvenlik kelimeleri aynı değil.',
      reason: 'Listeden seçiniz.',
      email: 'Geçerli bir e-posta adresi giriniz.',
      workPhoneExtension: 'Dahili numara en çok 6 rakamdır.',
      mobilePhone: 'Cep telefonunu 5XX XXX XX XX biçiminde giriniz.',
      unit: 'Bu alan zorunludur.',
    });
    expect(applicationErrors({ ...FORM, tckn: '12345678901' }, TCKN).tckn).toContain('Geçerli');
  });
});
