import { join } from 'node:path';
import { luhnCheckDigit } from '@eimza/protocol';
import type { RunningTestPki } from '@eimza/testpki';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SigningSnapshot } from '../../src/shared/ipc.js';
import { enterCode, expectNoAxeViolations, screenshot } from '../support/kit.js';
import { createSession, sessionState, startApi, type TestApi } from '../support/api.js';
import { startSoftHsmStack, useDesktopUi } from '../support/stack.js';
import type { RendererHarness } from './harness.js';

// The renderer in Debian Chromium over the real desktop services (handlers, token watcher,
// signing session), the real API on 127.0.0.1 trusting the live test PKI, and a SoftHSM2 card.
const AHMET = '10000000146';
const AYSE = '12345678950';
const PIN = 'Masa-PIN-2468';
const WRONG_PIN = 'yanlis-2468';

let work: string;
let pki: RunningTestPki;
let api: TestApi;
let ui: RendererHarness;
let page: Page;

/** A valid code with its Luhn digit that no session has. */
function unknownCode(): string {
  const body = '31182727218864';
  return body + String(luhnCheckDigit(body));
}

async function backToStart(): Promise<void> {
  await page.getByRole('navigation').getByRole('button', { name: 'İmzala' }).click();
  const reset = page.getByRole('button', { name: 'Yeni kod gir' });
  if (await reset.isVisible()) await reset.click();
  await page.getByRole('heading', { name: 'Doğrulama Kodu' }).waitFor();
}

useDesktopUi(
  () =>
    startSoftHsmStack('renderer', {
      pin: PIN,
      tokens: [
        { label: 'EIMZA-RSA', keyType: 'rsa2048', tckn: AHMET, name: 'AHMET YILMAZ', ca: 'rsa' },
        {
          label: 'EIMZA-REV',
          keyType: 'ec-p256',
          tckn: AYSE,
          name: 'AYŞE KAYA',
          variant: 'revoked',
        },
        {
          label: 'EIMZA-OLD',
          keyType: 'rsa2048',
          tckn: AYSE,
          name: 'AYŞE KAYA',
          variant: 'expired',
        },
      ],
    }),
  { watchIntervalMs: 300 },
  (app) => ({ work, pki, api, ui, page } = app),
);

describe('desktop renderer in Chromium', () => {
  it('checks the code inline: a wrong check digit is named, pasted spaces and dashes are accepted', async () => {
    const input = page.getByLabel('Doğrulama kodu (15 hane)');
    await expect(input).toBeDefined();
    await page.locator('#api-origin', { hasText: api.url.replace(/\/$/, '') }).waitFor();

    const good = unknownCode();
    const bad = good.slice(0, 14) + String((Number(good[14]) + 1) % 10);
    await input.fill(bad);
    await page.locator('#code-problem', { hasText: 'hatalı görünüyor' }).waitFor();
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await input.inputValue()).toBe(bad.replace(/(\d{3})(?=\d)/g, '$1 '));

    await input.fill('12a');
    await page.locator('#code-problem', { hasText: 'yalnızca rakam' }).waitFor();

    const pasted = `${good.slice(0, 3)}-${good.slice(3, 6)} ${good.slice(6, 9)} - ${good.slice(9)}`;
    await input.fill(pasted);
    await page.locator('#code-problem', { hasText: 'Kod doğru biçimde' }).waitFor();
    expect(await input.inputValue()).toBe(good.replace(/(\d{3})(?=\d)/g, '$1 '));
    expect(await input.getAttribute('aria-invalid')).toBeNull();
    await screenshot(page, 'code-entry');
    await expectNoAxeViolations(page, 'code entry');

    // A well-formed code the server does not know: the server's answer and what to do next.
    await page.getByRole('button', { name: 'İleri' }).click();
    await page.getByRole('alert').filter({ hasText: 'yeniden kopyalayın' }).waitFor();
    expect(await input.inputValue()).toBe(good.replace(/(\d{3})(?=\d)/g, '$1 '));
    await expectNoAxeViolations(page, 'code entry with an error');
    await input.fill('');
  });

  it('signs a login: Sözleşme with the countdown, certificate card, wrong PIN, right PIN, İmzalandı', async () => {
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    await enterCode(page, session.verificationCode);

    await page.getByRole('heading', { name: 'Sözleşme' }).waitFor();
    await page.getByRole('heading', { name: /İmzalanacak Metin 1/ }).waitFor();
    await page.getByText('Dikkat! Süre sınırı vardır.').waitFor();
    const first = Number((await page.locator('#seconds-left').textContent())!.split(' ')[0]);
    expect(first).toBeGreaterThan(200);
    await page.waitForFunction(
      (start) =>
        Number(document.getElementById('seconds-left')!.textContent!.split(' ')[0]) < start,
      first,
      { timeout: 3000 },
    );
    await screenshot(page, 'challenge');
    await expectNoAxeViolations(page, 'challenge');

    const card = page.getByRole('radio', { name: 'AHMET YILMAZ' });
    await card.waitFor();
    await page.getByText('100******46').first().waitFor();
    if (!(await card.isChecked())) await card.check();
    await page.getByRole('heading', { name: 'Sertifika Seçimi' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'certificates');
    await expectNoAxeViolations(page, 'certificate choice');

    const pin = page.getByLabel("Kartınızın PIN'i");
    await pin.fill(WRONG_PIN);
    await page.getByRole('button', { name: 'İmzala', exact: true }).last().click();
    await page.getByText('Daha önce yanlış deneme yapıldı').waitFor();
    expect(await pin.inputValue()).toBe('');
    await page.getByRole('heading', { name: 'PIN', exact: true }).scrollIntoViewIfNeeded();
    await screenshot(page, 'pin');
    await expectNoAxeViolations(page, 'PIN after a wrong try');

    await pin.fill(PIN);
    await page.getByRole('button', { name: 'İmzala', exact: true }).last().click();
    await page.getByRole('heading', { name: 'İmzalandı' }).waitFor({ timeout: 30_000 });
    await page.getByText('AHMET YILMAZ').waitFor();
    await page.getByText('portal sayfasına dönebilirsiniz').waitFor();
    await screenshot(page, 'outcome');
    await expectNoAxeViolations(page, 'outcome');
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });

    const secrets = ui.calls.filter((c) => c.channel === 'signing:sign');
    expect(secrets.map((c) => (c.request as { pin: string }).pin)).toEqual([WRONG_PIN, PIN]);
    expect(await page.content()).not.toContain(PIN);
  });

  it('signs with the keyboard alone, the focus visible at each step', async () => {
    await backToStart();
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
    expect(await focused()).toBe('code-input');
    await page.keyboard.type(session.verificationCode);
    await page.keyboard.press('Tab');
    const next = page.getByRole('button', { name: 'İleri' });
    expect(await next.evaluate((b) => b === document.activeElement)).toBe(true);
    expect(await next.evaluate((b) => getComputedStyle(b).outlineStyle)).toBe('solid');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Sözleşme' }).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'challenge-title');
    await page.getByRole('radio', { name: 'AHMET YILMAZ' }).waitFor();
    for (let i = 0; i < 10 && (await focused()) !== 'pin-form-pin'; i++) {
      await page.keyboard.press('Tab');
      const radio = page.getByRole('radio', { name: 'AHMET YILMAZ' });
      if ((await focused()) === 'cert-0' && !(await radio.isChecked())) {
        await page.keyboard.press('Space');
        await page.locator('#pin-form-pin').waitFor();
      }
    }
    expect(await focused()).toBe('pin-form-pin');
    await page.keyboard.type(PIN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'İmzalandı' }).waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.activeElement?.id === 'outcome-title');
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });
  });

  it('E-Onay: signing waits for KABUL EDİYORUM; KABUL ETMİYORUM ends with nothing sent', async () => {
    await backToStart();
    const declined = await createSession(api.url, { purpose: 'e-onay-accept', tckn: AHMET });
    await enterCode(page, declined.verificationCode);
    await page.getByRole('button', { name: 'KABUL EDİYORUM' }).waitFor();
    expect(await page.locator('#pin-form-pin').count()).toBe(0);
    await expectNoAxeViolations(page, 'E-Onay question');
    await page.getByRole('button', { name: 'KABUL ETMİYORUM' }).click();
    await page.getByRole('heading', { name: 'İmzalanmadı' }).waitFor();
    await page.getByText('sunucuya hiçbir şey gönderilmedi').waitFor();
    expect(await sessionState(api.app, declined)).toMatchObject({ state: 'pending' });

    await backToStart();
    const accepted = await createSession(api.url, { purpose: 'e-onay-accept', tckn: AHMET });
    await enterCode(page, accepted.verificationCode);
    await page.getByRole('button', { name: 'KABUL EDİYORUM' }).click();
    await page.getByText('Metni kabul ettiniz').waitFor();
    await page.getByLabel("Kartınızın PIN'i").fill(PIN);
    await page.getByRole('button', { name: 'İmzala', exact: true }).last().click();
    await page.getByRole('heading', { name: 'İmzalandı' }).waitFor({ timeout: 30_000 });
    expect(await sessionState(api.app, accepted)).toMatchObject({ state: 'signed' });
  });

  it('switches the language at once and keeps it; helpdesk and settings pass axe in both', async () => {
    await page.getByRole('button', { name: 'Sertifika İşlemleri' }).click();
    await page.getByRole('heading', { name: 'EIMZA-RSA' }).waitFor();
    await page.getByText('Kullanılabilir').first().waitFor();
    await screenshot(page, 'helpdesk');
    await expectNoAxeViolations(page, 'Sertifika İşlemleri');

    await page.getByRole('button', { name: 'Ayarlar' }).click();
    await page.getByRole('heading', { name: 'Ayarlar' }).waitFor();
    await screenshot(page, 'settings');
    await expectNoAxeViolations(page, 'Ayarlar');
    await page.getByRole('radio', { name: 'English' }).check();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.getByRole('button', { name: 'Certificate Operations' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expectNoAxeViolations(page, 'Settings (en)');
    await page.getByRole('button', { name: 'Certificate Operations' }).click();
    await page.getByText('PIN status').first().waitFor();
    await expectNoAxeViolations(page, 'Certificate Operations (en)');
    const stored = await ui.services.handlers['settings:get']!(undefined);
    expect(stored).toMatchObject({ ok: true, value: { language: 'en' } });

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('radio', { name: 'Türkçe' }).check();
    await page.getByRole('heading', { name: 'Ayarlar' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('tr');
  });

  it('a deep link to a server off the allow-list asks first, then the countdown runs out and everything disables', async () => {
    const short = await startApi(work, pki.pki, 'short', { sessionTtlSeconds: 10 });
    try {
      const origin = short.url.replace('127.0.0.1', 'localhost').replace(/\/$/, '');
      const session = await createSession(short.url, { purpose: 'login', tckn: AHMET });
      ui.services.openDeepLink!(`eimza://sign?code=${session.verificationCode}&api=${origin}`);
      const dialog = page.getByRole('dialog', { name: 'Bu sunucu izin listesinde değil' });
      await dialog.waitFor();
      await dialog.getByText(origin).first().waitFor();
      await expectNoAxeViolations(page, 'origin confirmation');
      await dialog.getByRole('button', { name: 'Bu sunucuya devam et' }).click();

      await page.getByRole('heading', { name: 'Sözleşme' }).waitFor();
      await page.getByText('On saniyeden az süre kaldı!').waitFor({ timeout: 10_000 });
      await page
        .getByRole('alert')
        .filter({ hasText: 'Oturumun süresi doldu' })
        .waitFor({ timeout: 15_000 });
      await page.getByText('yeni bir doğrulama kodu alın').first().waitFor();
      expect(await page.locator('fieldset.plain').getAttribute('disabled')).not.toBeNull();
      expect(await page.getByRole('radio', { name: 'AHMET YILMAZ' }).isDisabled()).toBe(true);
      await expectNoAxeViolations(page, 'expired challenge');
      await screenshot(page, 'expired');
      const settings = await ui.services.handlers['settings:get']!(undefined);
      expect(settings).toMatchObject({ ok: true });
      expect(
        (settings as { value: { allowedOrigins: string[] } }).value.allowedOrigins,
      ).not.toContain(origin);
    } finally {
      await short.app.close();
    }
  });

  it('Sertifika İşlemleri: PIN change with the new PIN typed twice (a mismatch is caught first)', async () => {
    await page.getByRole('button', { name: 'Sertifika İşlemleri' }).click();
    const panel = page.getByRole('region', { name: 'EIMZA-RSA' });
    await panel.waitFor();
    await panel.getByRole('button', { name: 'PIN değiştir' }).click();
    await panel
      .getByText(/Uzunluk: \d+–\d+ karakter/)
      .first()
      .waitFor();
    const NEW_PIN = 'Yeni-PIN-1357';
    const change = async (from: string, to: string, again = to) => {
      await panel.getByLabel('Şimdiki PIN').fill(from);
      await panel.getByLabel('Yeni PIN', { exact: true }).fill(to);
      await panel.getByLabel('Yeni PIN (tekrar)').fill(again);
      await panel.getByRole('button', { name: 'PIN değiştir' }).last().click();
    };
    await change(PIN, NEW_PIN, `${NEW_PIN}x`);
    await panel.getByText('Yeni değerler birbirini tutmuyor').waitFor();
    expect(ui.calls.some((c) => c.channel === 'pin:change')).toBe(false);
    await expectNoAxeViolations(page, 'PIN change form');

    await change(PIN, NEW_PIN);
    await panel.getByText('PIN değiştirildi.').waitFor();
    await panel.getByRole('button', { name: 'PIN değiştir' }).click();
    await change(NEW_PIN, PIN);
    await panel.getByText('PIN değiştirildi.').waitFor();
    expect(ui.calls.filter((c) => c.channel === 'pin:change')).toHaveLength(2);
    expect(await page.content()).not.toContain(NEW_PIN);
  });

  it('Tanılama: runs the checks (verdicts in words) and saves a support bundle', async () => {
    await page.getByRole('button', { name: 'Sertifika İşlemleri' }).click();
    await page.getByRole('button', { name: 'Tanılamayı çalıştır' }).click();
    await page.locator('.check-status').first().waitFor({ timeout: 30_000 });
    const verdicts = await page.locator('.check-status').allTextContents();
    expect(verdicts.length).toBeGreaterThan(3);
    for (const verdict of verdicts) expect(verdict).toMatch(/TAMAM|UYARI|HATA/);
    await page.getByRole('button', { name: 'Destek paketi kaydet' }).click();
    await page.getByText('Destek paketi kaydedildi:').waitFor({ timeout: 30_000 });
    expect(await page.locator('code.path').textContent()).toContain(join(work, 'state'));
    await screenshot(page, 'diagnostics');
    await expectNoAxeViolations(page, 'diagnostics');
  });

  it('a malformed deep link: the code screen says so and what to do, nothing starts', async () => {
    await backToStart();
    await page.getByRole('button', { name: 'Ayarlar' }).click();
    const before = ui.calls.length;
    ui.services.openDeepLink!('eimza://sign?code=123456789012345&api=http://127.0.0.1:1');
    await page.getByRole('heading', { name: 'Doğrulama Kodu' }).waitFor();
    await page
      .getByRole('alert')
      .filter({ hasText: 'portal sayfasından yeniden kopyalayın' })
      .waitFor();
    expect(ui.calls.slice(before).some((c) => c.channel === 'signing:start')).toBe(false);
    await expectNoAxeViolations(page, 'malformed deep link');
  });

  it('a server that does not answer: back at the code with the reason and what to do', async () => {
    await backToStart();
    const gone = await startApi(work, pki.pki, 'gone');
    const session = await createSession(gone.url, { purpose: 'login', tckn: AHMET });
    await gone.app.close();
    const origin = gone.url.replace(/\/$/, '');
    ui.services.openDeepLink!(`eimza://sign?code=${session.verificationCode}&api=${origin}`);
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Bu sunucuya devam et' }).click();
    await page
      .getByText('İnternet bağlantınızı denetleyip yeniden deneyin')
      .waitFor({ timeout: 30_000 });
    await page.locator('#api-origin', { hasText: origin }).waitFor();
    expect(await page.getByLabel('Doğrulama kodu (15 hane)').inputValue()).toBe(
      session.verificationCode.replace(/(\d{3})(?=\d)/g, '$1 '),
    );
    await expectNoAxeViolations(page, 'server unreachable');
  });

  it('Ayarlar: a bad server address is refused with the reason; a good one is saved', async () => {
    await page.getByRole('button', { name: 'Ayarlar' }).click();
    const origins = page.getByLabel('İzin verilen sunucular');
    const before = await origins.inputValue();
    expect(before).toBe(api.url.replace(/\/$/, ''));
    await origins.fill(`${before}\nftp://nope.example`);
    await page.getByRole('button', { name: 'Kaydet' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Değerleri düzeltip yeniden kaydedin' })
      .waitFor();
    await expectNoAxeViolations(page, 'settings with an error');

    await origins.fill(`${before}\nhttps://portal.example.gov.tr`);
    await page.getByRole('button', { name: 'Kaydet' }).click();
    await page.getByText('Ayarlar kaydedildi.').waitFor();
    const stored = await ui.services.handlers['settings:get']!(undefined);
    expect(stored).toMatchObject({
      ok: true,
      value: { allowedOrigins: [api.url.replace(/\/$/, ''), 'https://portal.example.gov.tr'] },
    });
    await origins.fill(before);
    await page.getByRole('button', { name: 'Kaydet' }).click();
    await page.getByText('Ayarlar kaydedildi.').waitFor();
  });

  it('an expired certificate is listed as unusable with the reason; a revoked one is refused in plain words', async () => {
    await backToStart();
    const session = await createSession(api.url, { purpose: 'login', tckn: AYSE });
    await enterCode(page, session.verificationCode);
    await page.getByRole('heading', { name: 'Kullanılamayan sertifikalar' }).waitFor();
    await page.getByText(/EIMZA-OLD.*süresi dolmuş/).waitFor();
    await page.getByText(/AHMET YILMAZ.*başka bir kişiye ait/).waitFor();
    const card = page.getByRole('radio', { name: 'AYŞE KAYA' });
    if (!(await card.isChecked())) await card.check();
    expect(await page.getByRole('radio').count()).toBe(1);
    await page.getByLabel("Kartınızın PIN'i").fill(PIN);
    await page.getByRole('button', { name: 'İmzala', exact: true }).last().click();
    await page.getByRole('heading', { name: 'İmza kabul edilmedi' }).waitFor({ timeout: 30_000 });
    await page.getByText('Sertifikanız iptal edilmiş veya askıya alınmış.').waitFor();
    await page.getByText('sertifika sağlayıcınıza başvurun').waitFor();
    await screenshot(page, 'rejected');
    await expectNoAxeViolations(page, 'rejected');
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'rejected' });
  });

  it('Başvuru: both texts shown in full, then signed; progress reads İmzalanıyor… 1/2, 2/2, Gönderiliyor…', async () => {
    await backToStart();
    const session = await createSession(api.url, {
      purpose: 'application',
      tckn: AHMET,
      form: { neden: 'Yenileme', il: 'Ankara' },
    });
    await enterCode(page, session.verificationCode);
    await page.getByRole('heading', { name: 'İmzalanacak Metin 1' }).waitFor();
    await page.getByRole('heading', { name: 'İmzalanacak Metin 2' }).waitFor();
    await page.getByText('neden: Yenileme').waitFor();
    await page.getByText('Sertifika Sahibi Taahhütnamesi:').waitFor();

    // Real signing passes these steps faster than a screen can be read; so each step the main
    // process pushes is shown here one at a time, from its own snapshot.
    const current = await ui.services.handlers['signing:snapshot']!(undefined);
    if (!current.ok) throw new Error(current.error.code);
    const snapshot = current.value as SigningSnapshot;
    const steps: Array<[SigningSnapshot, string]> = [
      [
        { ...snapshot, step: 'signing', progress: { index: 0, total: 2, textId: 't1' } },
        'İmzalanıyor… 1/2',
      ],
      [
        { ...snapshot, step: 'signing', progress: { index: 1, total: 2, textId: 't2' } },
        'İmzalanıyor… 2/2',
      ],
      [{ ...snapshot, step: 'submitting' }, 'Gönderiliyor…'],
    ];
    for (const [step, text] of steps) {
      ui.deliver({ type: 'signing', snapshot: step });
      await page.getByRole('status').filter({ hasText: text }).waitFor();
    }
    await expectNoAxeViolations(page, 'progress');
    ui.deliver({ type: 'signing', snapshot });

    await page.getByLabel("Kartınızın PIN'i").fill(PIN);
    await page.getByRole('main').getByRole('button', { name: 'İmzala', exact: true }).click();
    await page.getByRole('heading', { name: 'İmzalandı' }).waitFor({ timeout: 30_000 });
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });
  });

  it('İptal on the challenge: "İşlem iptal edildi", the session left untouched, a new code can follow', async () => {
    await backToStart();
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    await enterCode(page, session.verificationCode);
    await page.getByRole('radio', { name: 'AHMET YILMAZ' }).waitFor();
    await page.getByRole('button', { name: 'İptal' }).click();
    await page.getByRole('heading', { name: 'İşlem iptal edildi' }).waitFor();
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'pending' });
    await expectNoAxeViolations(page, 'cancelled');
    await page.getByRole('button', { name: 'Yeni kod gir' }).click();
    await page.getByRole('heading', { name: 'Doğrulama Kodu' }).waitFor();
  });

  it('a PIN-pad reader: no PIN field, "tuş takımından girin", and İmzala sends no PIN', async () => {
    await backToStart();
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    await enterCode(page, session.verificationCode);
    await page.getByLabel("Kartınızın PIN'i").waitFor();
    // SoftHSM2 has no keypad: the main process's own snapshot, as a reader with one would make it.
    const current = await ui.services.handlers['signing:snapshot']!(undefined);
    if (!current.ok) throw new Error(current.error.code);
    const snapshot = current.value as SigningSnapshot;
    ui.deliver({
      type: 'signing',
      snapshot: { ...snapshot, pinPrompt: { ...snapshot.pinPrompt!, pinPad: true } },
    });
    await page.getByText("PIN'inizi kart okuyucunun tuş takımından girin").waitFor();
    expect(await page.getByLabel("Kartınızın PIN'i").count()).toBe(0);
    await expectNoAxeViolations(page, 'PIN pad');
    await page.getByRole('main').getByRole('button', { name: 'İmzala', exact: true }).click();
    await expect
      .poll(() => ui.calls.at(-1))
      .toMatchObject({
        channel: 'signing:sign',
        request: { certificateId: snapshot.pinPrompt!.certificateId, pin: null },
      });
  });
});
