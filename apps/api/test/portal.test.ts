import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keySigner, signCades, TrustStore } from '@eimza/cades';
import { SubmissionGuard, createApiClient, createSigningFlow, type ApiClient } from '@eimza/client';
import {
  createTestTokens,
  startTestPki,
  type RunningTestPki,
  type TestTokens,
} from '@eimza/testpki';
import { openTokenService, type TokenService } from '@eimza/token';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { CONTENT_SECURITY_POLICY } from '../src/portal/plugin.js';
import { cadesValidator } from '../src/validation.js';
import { testConfig } from './support/app.js';

// The portal in real Chromium against a listening API (SQLite in a temp folder, the live test PKI
// with OCSP), signed with SoftHSM2 cards through the same signing flow the desktop app and CLI use.
const AHMET = '10000000146';
const AYSE = '12345678950';
const PIN = 'Portal-PIN-2468';
const SHOTS = join(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots');

let work: string;
let pki: RunningTestPki;
let tokens: TestTokens;
let service: TokenService;
let browser: Browser;
const apps: FastifyInstance[] = [];

async function startPortal(ttlSeconds = 285): Promise<{ url: string; api: ApiClient }> {
  const config = testConfig(
    { kind: 'sqlite', path: join(work, `portal-${apps.length}.sqlite`) },
    { sessionTtlSeconds: ttlSeconds },
  );
  const trust = TrustStore.fromPem(
    pki.pki.anchors().map((a) => a.pem),
    [pki.pki.issuingCa('rsa').pem, pki.pki.issuingCa('ec').pem],
  );
  const app = await buildApp({ config, validator: cadesValidator(trust, config) });
  apps.push(app);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, api: createApiClient({ baseUrl: url }) };
}

/** Signs the session behind `code` with the card the challenge names (PIN entered). */
async function signWithCard(api: ApiClient, code: string): Promise<void> {
  const flow = createSigningFlow({ api, tokens: service, guard: new SubmissionGuard() });
  const loaded = await flow.load(code);
  expect(loaded.type).toBe('pin-required');
  const end = await flow.sign(flow.certificateChoices!.preselectedId!, PIN);
  expect(end).toMatchObject({ type: 'done', result: { state: 'signed' } });
}

/** Waits for the signing panel titled `title` (set as a new session starts), then reads its code. */
async function codeFor(page: Page, title: string): Promise<string> {
  await page.locator('#sign-title', { hasText: title }).waitFor({ timeout: 2000 });
  return codeOnPage(page);
}

async function codeOnPage(page: Page): Promise<string> {
  await page.waitForFunction(() => /\d/.test(document.getElementById('sign-code')!.textContent!));
  const grouped = await page.locator('#sign-code').textContent();
  expect(grouped).toMatch(/^\d{3} \d{3} \d{3} \d{3} \d{3}$/);
  return grouped!.replace(/ /g, '');
}

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** Saves the screenshot and checks the page with axe-core (evaluated through DevTools, so the CSP stands). */
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `portal-${name}.png`), fullPage: true });
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(): Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
      }
    ).axe;
    const result = await axe.run();
    return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
  });
  expect(violations, `axe-core on portal-${name}`).toEqual([]);
}

async function login(context: BrowserContext, url: string, api: ApiClient): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('#tckn').fill(AHMET);
  await page.getByRole('button', { name: 'Doğrulama Kodu Al' }).click();
  const code = await codeOnPage(page);
  await signWithCard(api, code);
  await page.getByRole('heading', { name: 'Sayın AHMET YILMAZ' }).waitFor({ timeout: 1000 });
  return page;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'eimza-portal-'));
  mkdirSync(SHOTS, { recursive: true });
  pki = await startTestPki();
  tokens = await createTestTokens({
    pki: pki.pki,
    pin: PIN,
    tokens: [
      { label: 'EIMZA-RSA', keyType: 'rsa2048', tckn: AHMET, name: 'AHMET YILMAZ', ca: 'rsa' },
    ],
  });
  process.env.SOFTHSM2_CONF = tokens.confPath;
  service = await openTokenService({ explicitOnly: true, modulePaths: [tokens.modulePath] });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const app of apps) await app.close();
  await service?.close();
  await pki?.close();
  tokens?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('portal in Chromium', () => {
  it('serves the pages with a strict CSP and refuses a TCKN with a bad checksum on the page', async () => {
    const { url } = await startPortal();
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const response = await page.goto(url);
    expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    await expect(page.getByRole('heading', { name: 'E-imzalı Giriş' }).isVisible()).resolves.toBe(
      true,
    );
    await page.locator('#tckn').fill('10000000147');
    await page.getByRole('button', { name: 'Doğrulama Kodu Al' }).click();
    await expect(page.locator('#tckn-error').textContent()).resolves.toContain(
      'Geçerli bir T.C. Kimlik No',
    );
    await shot(page, 'login');
    expect(errors).toEqual([]);
    await context.close();
  }, 30_000);

  it('login: code, countdown, deep link and warning on the page; signed with the card, the page greets by name within a second', async () => {
    const { url, api } = await startPortal();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await page.locator('#tckn').fill(AHMET);
    await page.getByRole('button', { name: 'Doğrulama Kodu Al' }).click();
    const code = await codeOnPage(page);
    await expect(page.locator('#sign-left').textContent()).resolves.toMatch(/^0[34]:\d{2}$/);
    const link = await page.locator('#sign-link').getAttribute('href');
    expect(link).toBe(
      `eimza://sign?code=${code}&api=${encodeURIComponent('https://nesbireysel.test.example')}`,
    );
    await expect(
      page.getByText('İmzalama işlemi aşamasında bu sayfayı kapatmayınız').isVisible(),
    ).resolves.toBe(true);
    await expect(page.locator('#sign-cli').textContent()).resolves.toBe(
      `npm run eimza -- sign --code ${code} --api ${url}`,
    );
    await shot(page, 'sign');
    await signWithCard(api, code);
    const signedAt = performance.now();
    await page.getByRole('heading', { name: 'Sayın AHMET YILMAZ' }).waitFor({ timeout: 1000 });
    const latencyMs = performance.now() - signedAt;
    console.log(`portal: signed → "Sayın …" shown in ${latencyMs.toFixed(0)} ms`);
    for (const item of [
      'Askıya Al',
      'Askıdan İndir',
      'İptal Et',
      'Bilgi Güncelle',
      'Sertifika PIN/PUK Bilgisi Listele',
      'Kilit Çözme',
      'Çıkış',
    ]) {
      await expect(page.getByRole('button', { name: item, exact: true }).isVisible()).resolves.toBe(
        true,
      );
    }
    const cookies = await context.cookies();
    expect(cookies).toEqual([
      expect.objectContaining({ name: 'eimza_portal', httpOnly: true, sameSite: 'Strict' }),
    ]);
    await shot(page, 'menu');

    // A certificate operation is confirmed by its own signed request and audited.
    await page.getByRole('button', { name: 'Askıya Al', exact: true }).click();
    await signWithCard(api, await codeFor(page, 'Askıya Al'));
    await page.getByText('“Askıya Al” işleminiz imzalı olarak alındı.').waitFor({ timeout: 2000 });
    const audit = await apps
      .at(-1)!
      .eimza.store.db.selectFrom('audit')
      .select(['event', 'detail'])
      .where('event', '=', 'portal-action')
      .execute();
    expect(audit.map((a) => JSON.parse(a.detail!).action)).toEqual(['login', 'askiya-al']);

    await page.getByRole('button', { name: 'Kilit Çözme' }).click();
    await expect(page.getByText('npm run eimza -- pin unlock').isVisible()).resolves.toBe(true);
    await page.locator('#view-unlock').getByRole('button', { name: 'Geri' }).click();
    await page.getByRole('button', { name: 'Çıkış' }).click();
    await page.getByRole('heading', { name: 'E-imzalı Giriş' }).waitFor({ timeout: 2000 });
    await context.close();
  }, 60_000);

  it('E-Onay: KABUL EDİYORUM + DEVAM ET is signed, then the E-Onay is cancelled by another signature', async () => {
    const { url, api } = await startPortal();
    const context = await browser.newContext();
    const page = await login(context, url, api);
    await page.getByRole('button', { name: 'E-Onay' }).click();
    await page.getByRole('button', { name: 'DEVAM ET' }).click();
    await expect(page.locator('#eonay-error').textContent()).resolves.toContain('seçim');
    await page.getByLabel('KABUL EDİYORUM').check();
    await shot(page, 'eonay');
    await page.getByRole('button', { name: 'DEVAM ET' }).click();
    await page.locator('#sign-title', { hasText: 'E-Onay Verme' }).waitFor({ timeout: 2000 });
    await signWithCard(api, await codeOnPage(page));
    await page.getByText('E-Onay’ınız alındı.').waitFor({ timeout: 2000 });
    await page.getByRole('button', { name: 'E-Onay' }).click();
    await page.getByRole('button', { name: 'E-Onay’ı İptal Et' }).click();
    await page.locator('#sign-title', { hasText: 'E-Onay İptali' }).waitFor({ timeout: 2000 });
    await signWithCard(api, await codeOnPage(page));
    await page.getByText('E-Onay’ınız iptal edildi.').waitFor({ timeout: 2000 });
    await context.close();
  }, 60_000);

  it('Başvuru: validation errors shown, SMS code from the development outbox, then the signed application', async () => {
    const { url, api } = await startPortal();
    const context = await browser.newContext();
    const page = await login(context, url, api);
    await page.getByRole('button', { name: 'Başvuru (Yenileme)' }).click();
    const form = page.locator('#application-form');
    const fill = async (values: Record<string, string>) => {
      for (const [name, value] of Object.entries(values)) {
        const field = form.locator(`[name="${name}"]`);
        if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(value);
        else await field.fill(value);
      }
    };
    await fill({
      tckn: '10000000147',
      reason: 'Yenileme',
      securityWord: 'kelebek',
      securityWordRepeat: 'kelebeK',
      postalCode: '0650',
    });
    await page.getByRole('button', { name: 'Devam Et' }).click();
    await page.locator('#error-postalCode').waitFor({ timeout: 2000 });
    await expect(page.locator('#error-tckn').textContent()).resolves.toContain('T.C. Kimlik No');
    await expect(page.locator('#error-securityWordRepeat').textContent()).resolves.toBe(
      'Güvenlik kelimeleri aynı değil.',
    );
    await expect(page.locator('#error-postalCode').textContent()).resolves.toBe(
      'Posta kodu 5 haneli olmalıdır.',
    );
    await expect(page.locator('#error-institution').textContent()).resolves.toBe(
      'Bu alan zorunludur.',
    );
    await shot(page, 'application-errors');
    await fill({
      tckn: AHMET,
      securityWordRepeat: 'kelebek',
      institution: 'Milli Eğitim Bakanlığı',
      unit: 'Atatürk Lisesi',
      title: 'Öğretmen',
      address: 'Kızılay Mah. Gazi Mustafa Kemal Bulvarı No:1',
      province: 'Ankara',
      district: 'Çankaya',
      postalCode: '06500',
      email: 'ahmet.yilmaz@example.gov.tr',
      workPhone: '0312 123 45 67',
      workPhoneExtension: '204',
      mobilePhone: '0532 123 45 67',
      operator: 'Turkcell',
      notification: 'E-posta ve SMS',
    });
    await page.getByRole('button', { name: 'Devam Et' }).click();
    await page.getByRole('heading', { name: 'Cep Telefonu Doğrulama' }).waitFor({ timeout: 2000 });
    await expect(page.locator('#sms-sent').textContent()).resolves.toContain('0532*****67');

    const outbox = await context.newPage();
    await outbox.goto(`${url}/dev/sms-outbox`);
    await expect(outbox.getByRole('heading').textContent()).resolves.toContain(
      'Geliştirme SMS Kutusu',
    );
    const sms = (await outbox.locator('td.sms').first().textContent())!;
    const smsCode = /(\d{6})$/.exec(sms)![1]!;
    await shot(outbox, 'sms-outbox');

    await page.locator('#sms-code').fill(smsCode === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Onayla ve İmzala' }).click();
    await page.locator('#sms-error').getByText('SMS kodu hatalı.').waitFor({ timeout: 2000 });
    await shot(page, 'sms');
    await page.locator('#sms-code').fill(smsCode);
    await page.getByRole('button', { name: 'Onayla ve İmzala' }).click();
    await page.locator('#sign-title', { hasText: 'E-imzalı Başvuru' }).waitFor({ timeout: 2000 });
    const code = await codeOnPage(page);
    const challenge = await api.getChallenge(code);
    expect(challenge.texts.map((t) => t.title)).toEqual([
      'İmzalanacak Metin 1',
      'İmzalanacak Metin 2',
    ]);
    expect(challenge.texts[0]!.content).toContain('Posta Kodu: 06500');
    expect(challenge.texts[0]!.content).not.toContain('kelebek');
    await signWithCard(api, code);
    await page.getByText('Başvurunuz e-imzalı olarak alındı.').waitFor({ timeout: 2000 });
    await context.close();
  }, 90_000);

  it('expiry shows "Süre doldu"; retry gives a new code', async () => {
    const { url } = await startPortal(3);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await page.locator('#tckn').fill(AHMET);
    await page.getByRole('button', { name: 'Doğrulama Kodu Al' }).click();
    const first = await codeOnPage(page);
    await page.getByText('Süre doldu').waitFor({ timeout: 6000 });
    await expect(page.locator('#sign-left').textContent()).resolves.toBe('00:00');
    await shot(page, 'expired');
    await page.getByRole('button', { name: 'Yeni Kod Al' }).click();
    await page.locator('#sign-pending').waitFor({ state: 'visible', timeout: 2000 });
    const second = await codeOnPage(page);
    expect(second).not.toBe(first);
    await context.close();
  }, 30_000);

  it("another person's card (session TCKN differs) is rejected on the page", async () => {
    const { url, api } = await startPortal();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await page.locator('#tckn').fill(AHMET);
    await page.getByRole('button', { name: 'Doğrulama Kodu Al' }).click();
    const code = await codeOnPage(page);
    // The signing flow would refuse the other person's card before any PIN; this signs as that
    // person directly, as a modified client could.
    const ayse = await pki.pki.issueSignerWithKey({ ca: 'ec', tckn: AYSE, name: 'AYŞE KAYA' });
    const challenge = await api.getChallenge(code);
    const cms = await signCades({
      content: new TextEncoder().encode(challenge.texts[0]!.content),
      certificate: ayse.certificate.der,
      chain: [ayse.certificate.chain[0]!.der],
      sign: keySigner(ayse.privateKey),
      detached: true,
    });
    await api
      .submitSignatures(code, {
        signatures: [{ textId: 't1', cms: Buffer.from(cms).toString('base64') }],
      })
      .catch((error: { code: string }) => expect(error.code).toBe('REJECTED'));
    await page
      .getByText('Kullanılan kart bu T.C. Kimlik No’ya ait değil')
      .waitFor({ timeout: 1000 });
    await shot(page, 'rejected');
    expect(await context.cookies()).toEqual([]);
    await context.close();
  }, 30_000);
});
