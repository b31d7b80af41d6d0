import { execFileSync } from 'node:child_process';
import { maskTckn, tcknWithChecksum } from '@eimza/protocol';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../src/shared/ipc.js';
import type { RendererHarness } from '../renderer/harness.js';
import { createSession, sessionState, type TestApi } from '../support/api.js';
import {
  backToCodeEntry,
  enterCode,
  expectNoAxeViolations,
  LABEL,
  signWithPin,
} from '../support/kit.js';
import { startSoftHsmStack, useDesktopUi } from '../support/stack.js';

// What a person does in the app, in Debian Chromium over the real desktop services, against the
// real API (restartable on one port, to take the server away) trusting a live test PKI, and two
// SoftHSM2 cards. The renderer tests (../renderer) cover code entry, a wrong PIN, E-Onay, the
// language, a deep link off the allow-list, expiry, PIN change and diagnostics; these cover the rest.
const AHMET = '10000000146';
/** Another person whose masked number looks like Ahmet's: only the server can tell them apart. */
const LOOKALIKE = tcknWithChecksum('100000056');
/** A third person with no card inserted. */
const NOBODY = tcknWithChecksum('298765432');
const PIN = 'Akis-PIN-2468';
const PUK = 'Akis-PUK-1357';

let api: TestApi;
let ui: RendererHarness;
let page: Page;

const settings = async (): Promise<Settings> => {
  const answer = await ui.services.handlers['settings:get']!(undefined);
  if (!answer.ok) throw new Error(answer.error.code);
  return answer.value as Settings;
};

const localhost = () => `http://localhost:${api.port}`;

useDesktopUi(
  // The two demo cards: Ahmet's RSA one, Ayşe's EC one.
  () => startSoftHsmStack('flows', { pin: PIN, puk: PUK }),
  { watchIntervalMs: 300 },
  (app) => ({ api, ui, page } = app),
);

describe('deep links', () => {
  it('a link to a server on the allow-list opens its challenge at once: code and server filled, nothing asked', async () => {
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    const pasted = session.verificationCode.replace(/(\d{5})(?=\d)/g, '$1-');
    ui.services.openDeepLink!(`eimza://sign?code=${pasted}&api=${encodeURIComponent(api.url)}`);

    await page.getByRole('heading', { name: 'Sözleşme' }).waitFor();
    await page.locator('dd.origin', { hasText: api.url }).waitFor();
    await page.getByRole('radio', { name: 'AHMET YILMAZ' }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(ui.calls.filter((c) => c.channel === 'signing:start')).toEqual([
      {
        channel: 'signing:start',
        request: { code: session.verificationCode, apiOrigin: api.url, confirmedOrigin: false },
      },
    ]);

    // The portal's session asked for Ahmet: Ayşe's card is shown as not usable, and why.
    await page.getByText('AYŞE KAYA (EIMZA-EC): başka bir kişiye ait').waitFor();
    await expectNoAxeViolations(page, 'challenge opened by a deep link');

    await page.getByRole('button', { name: 'İptal' }).click();
    await page.getByRole('heading', { name: 'İşlem iptal edildi' }).waitFor();
    await expectNoAxeViolations(page, 'cancelled');
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'pending' });
    await backToCodeEntry(page);
  });

  it('a link to plain http on another computer is refused on the code page, never asked about, nothing started', async () => {
    const before = ui.calls.filter((c) => c.channel === 'signing:start').length;
    const session = await createSession(api.url, { purpose: 'login' });
    ui.services.openDeepLink!(
      `eimza://sign?code=${session.verificationCode}&api=http://portal.example.com`,
    );
    await page.getByRole('alert').filter({ hasText: 'Sunucu adresi güvenli değil' }).waitFor();
    await expectNoAxeViolations(page, 'code page with an insecure link');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(ui.calls.filter((c) => c.channel === 'signing:start')).toHaveLength(before);
    expect(await page.getByRole('heading', { name: 'Doğrulama Kodu' }).isVisible()).toBe(true);
  });
});

describe('keyboard', () => {
  it('the question about a server off the allow-list, by keyboard: the focus starts on Vazgeç, Escape says no and starts nothing; Tab, Enter goes on', async () => {
    const focused = () => page.evaluate(() => document.activeElement?.textContent ?? '');
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    const link = `eimza://sign?code=${session.verificationCode}&api=${localhost()}`;
    const starts = () =>
      ui.calls.filter(
        (c) =>
          c.channel === 'signing:start' &&
          (c.request as { confirmedOrigin: boolean }).confirmedOrigin,
      ).length;
    const before = starts();

    ui.services.openDeepLink!(link);
    const dialog = page.getByRole('dialog', { name: 'Bu sunucu izin listesinde değil' });
    await dialog.waitFor();
    expect(await focused()).toBe('Vazgeç');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Doğrulama Kodu' }).waitFor();
    expect(starts()).toBe(before);

    ui.services.openDeepLink!(link);
    await dialog.waitFor();
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Bu sunucuya devam et');
    // The page behind the modal dialog is inert: Tab past its last button never lands there (the
    // focus leaves the document, as it would to a browser's own controls), and Shift+Tab comes back.
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(() => {
        const active = document.activeElement;
        return active === document.body || Boolean(active?.closest('dialog'));
      }),
    ).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Bu sunucuya devam et');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Sözleşme' }).waitFor();
    await page.locator('dd.origin', { hasText: localhost() }).waitFor();
    expect(starts()).toBe(before + 1);
    await backToCodeEntry(page);
  });
});

describe('Ayarlar', () => {
  it('a server put on the allow-list and made the default takes typed codes without asking; a relative module path is refused, nothing saved', async () => {
    await page.getByRole('button', { name: 'Ayarlar' }).click();
    await page.getByRole('heading', { name: 'Ayarlar' }).waitFor();
    const origins = page.getByLabel('İzin verilen sunucular');
    const modules = page.getByLabel('Ek PKCS#11 modülleri');
    const defaultOrigin = page.getByLabel('Varsayılan sunucu (elle girilen kodlar buraya gider)');
    const save = page.getByRole('button', { name: 'Kaydet' });
    expect(await defaultOrigin.inputValue()).toBe(api.url);
    const stored = await settings();

    await modules.fill('libakis.so');
    await save.click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Değerleri düzeltip yeniden kaydedin' })
      .waitFor();
    expect(await settings()).toEqual(stored);

    await modules.fill('/opt/akis/libakis.so\n');
    await origins.fill(`${api.url}\n${localhost()}/`);
    await defaultOrigin.fill(localhost());
    await save.click();
    await page.getByRole('status').filter({ hasText: 'Ayarlar kaydedildi.' }).waitFor();
    expect(await settings()).toEqual({
      ...stored,
      modulePaths: ['/opt/akis/libakis.so'],
      allowedOrigins: [api.url, localhost()],
      defaultApiOrigin: localhost(),
    });
    await expectNoAxeViolations(page, 'settings saved');

    // A typed code now goes to the new default, which is on the list: no question.
    await page.getByRole('button', { name: LABEL.sign, exact: true }).click();
    await page.locator('#api-origin', { hasText: localhost() }).waitFor();
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    await enterCode(page, session.verificationCode);
    await page.getByRole('heading', { name: 'Sözleşme' }).waitFor();
    await page.locator('dd.origin', { hasText: localhost() }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    await backToCodeEntry(page);

    await page.getByRole('button', { name: 'Ayarlar' }).click();
    await modules.fill('');
    await origins.fill(api.url);
    await defaultOrigin.fill(api.url);
    await save.click();
    await page.getByRole('status').filter({ hasText: 'Ayarlar kaydedildi.' }).waitFor();
    expect(await settings()).toEqual(stored);
    await page.getByRole('button', { name: LABEL.sign, exact: true }).click();
    await page.locator('#api-origin', { hasText: api.url }).waitFor();
  });
});

describe('the wrong card', () => {
  it('the card of someone else with a look-alike T.C. Kimlik No signs, and the server refuses: said in plain words with what to do', async () => {
    await backToCodeEntry(page);
    expect(maskTckn(LOOKALIKE)).toBe(maskTckn(AHMET));
    const session = await createSession(api.url, { purpose: 'login', tckn: LOOKALIKE });
    await enterCode(page, session.verificationCode);
    const card = page.getByRole('radio', { name: 'AHMET YILMAZ' });
    await card.waitFor();
    expect(await card.isChecked()).toBe(true);
    await signWithPin(page, PIN);

    await page.getByRole('heading', { name: 'İmza kabul edilmedi' }).waitFor({ timeout: 30_000 });
    await page.getByText('Bu kart başka bir kişiye ait').first().waitFor();
    await page.getByText('Kendi kartınızı takın, portaldan yeni bir kod alın').waitFor();
    await page.getByRole('button', { name: 'Yeni kod gir' }).waitFor();
    await expectNoAxeViolations(page, 'rejection outcome');
    expect(await sessionState(api.app, session)).toMatchObject({
      state: 'rejected',
      rejection: { code: 'TCKN_MISMATCH' },
    });
    await backToCodeEntry(page);
  });

  it("no inserted card belongs to the portal's person: said before any PIN, every card listed with the reason, nothing sent", async () => {
    await backToCodeEntry(page);
    const session = await createSession(api.url, { purpose: 'login', tckn: NOBODY });
    await enterCode(page, session.verificationCode);
    await page.getByRole('heading', { name: 'Sözleşme' }).waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: 'ait bir sertifika takılı kartlarda bulunamadı' })
      .waitFor();
    await page.getByText('AHMET YILMAZ (EIMZA-RSA): başka bir kişiye ait').waitFor();
    await page.getByText('AYŞE KAYA (EIMZA-EC): başka bir kişiye ait').waitFor();
    await page.getByRole('button', { name: 'Yenile' }).waitFor();
    expect(await page.getByLabel(LABEL.pin).count()).toBe(0);
    expect(await page.getByRole('radio').count()).toBe(0);
    await expectNoAxeViolations(page, 'no card of the signer');
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'pending' });

    await page.getByRole('button', { name: 'İptal' }).click();
    await page.getByRole('heading', { name: 'İşlem iptal edildi' }).waitFor();
    await backToCodeEntry(page);
  });
});

describe('server down', () => {
  it('before the code loads: the reason and the code kept; once the server is back, İleri on the same code goes on', async () => {
    await backToCodeEntry(page);
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    await api.stop();
    try {
      await enterCode(page, session.verificationCode);
      await page
        .getByRole('alert')
        .filter({ hasText: 'İnternet bağlantınızı denetleyip yeniden deneyin' })
        .waitFor({ timeout: 20_000 });
      expect((await page.getByLabel(LABEL.code).inputValue()).replace(/\s/g, '')).toBe(
        session.verificationCode,
      );
      await expectNoAxeViolations(page, 'code page, server unreachable');
    } finally {
      await api.start();
    }
    await page.getByRole('button', { name: LABEL.next }).click();
    await page.getByRole('heading', { name: 'Sözleşme' }).waitFor();
    await page.getByRole('radio', { name: 'AHMET YILMAZ' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.getByRole('button', { name: 'İptal' }).click();
    await page.getByRole('heading', { name: 'İşlem iptal edildi' }).waitFor();
    await backToCodeEntry(page);
  });

  it('before the signatures go: nothing lost, Yeniden gönder sends the same signatures once it is back, no PIN asked again', async () => {
    await backToCodeEntry(page);
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    await enterCode(page, session.verificationCode);
    await page.getByRole('radio', { name: 'AHMET YILMAZ' }).waitFor();
    const signCalls = () => ui.calls.filter((c) => c.channel === 'signing:sign').length;
    const signedBefore = signCalls();

    await api.stop();
    try {
      await signWithPin(page, PIN);
      await page.getByRole('heading', { name: 'İşlem tamamlanamadı' }).waitFor({ timeout: 30_000 });
      await page
        .getByRole('alert')
        .filter({ hasText: 'İnternet bağlantınızı denetleyip yeniden deneyin' })
        .waitFor();
      await page.getByRole('button', { name: 'Yeniden gönder' }).waitFor();
      await expectNoAxeViolations(page, 'outcome, server unreachable on submit');
    } finally {
      await api.start();
    }
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'pending' });

    await page.getByRole('button', { name: 'Yeniden gönder' }).click();
    await page.getByRole('heading', { name: 'İmzalandı' }).waitFor({ timeout: 30_000 });
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });
    expect(signCalls() - signedBefore).toBe(1);
    await backToCodeEntry(page);
  });
});

describe('Sertifika İşlemleri', () => {
  const NEW_PUK = 'Yeni-PUK-97531';
  const WRONG_PUK = 'Yanlis-PUK-11';
  const UNLOCKED_PIN = 'Acik-PIN-8642';

  it('PUK change (a wrong PUK refused first), PIN unlock with the new PUK, signing with the new PIN; the support bundle holds no secret', async () => {
    await page.getByRole('button', { name: 'Sertifika İşlemleri' }).click();
    const panel = page.getByRole('region', { name: 'EIMZA-RSA' });
    await panel.waitFor();
    const changePuk = async (from: string, to: string) => {
      await panel.getByLabel('Şimdiki PUK').fill(from);
      await panel.getByLabel('Yeni PUK', { exact: true }).fill(to);
      await panel.getByLabel('Yeni PUK (tekrar)').fill(to);
      await panel.getByRole('button', { name: 'PUK değiştir' }).last().click();
    };
    const unlock = async (puk: string, pin: string) => {
      await panel.getByLabel('PUK', { exact: true }).fill(puk);
      await panel.getByLabel('Yeni PIN', { exact: true }).fill(pin);
      await panel.getByLabel('Yeni PIN (tekrar)').fill(pin);
      await panel.getByRole('button', { name: 'Kilidi çöz' }).click();
    };

    await panel.getByRole('button', { name: 'PUK değiştir' }).click();
    await changePuk(WRONG_PUK, NEW_PUK);
    await panel.getByRole('alert').filter({ hasText: "PUK'u yeniden yazın" }).waitFor();
    expect(await panel.getByLabel('Şimdiki PUK').inputValue()).toBe('');
    await expectNoAxeViolations(page, 'PUK change refused');
    await changePuk(PUK, NEW_PUK);
    await panel.getByText('PUK değiştirildi.').waitFor();

    await panel.getByRole('button', { name: 'PIN kilidini çöz (PUK ile)' }).click();
    await unlock(PUK, UNLOCKED_PIN);
    await panel.getByRole('alert').filter({ hasText: "PUK'u yeniden yazın" }).waitFor();
    await unlock(NEW_PUK, UNLOCKED_PIN);
    await panel.getByText("PIN kilidi çözüldü; yeni PIN'iniz geçerli.").waitFor();

    await expectNoAxeViolations(page, 'Sertifika İşlemleri after PIN/PUK operations');

    await page.getByRole('button', { name: 'Destek paketi kaydet' }).click();
    await page.getByText('Destek paketi kaydedildi:').waitFor({ timeout: 30_000 });
    const bundle = (await page.locator('code.path').textContent())!;
    const listing = execFileSync('unzip', ['-Z1', bundle], { encoding: 'utf8' });
    expect(listing).toMatch(/^logs\/.+\.log$/m);
    const contents = execFileSync('unzip', ['-p', bundle], { encoding: 'utf8' });
    expect(contents).toContain('PIN operation done');
    const secrets = [PIN, PUK, NEW_PUK, WRONG_PUK, UNLOCKED_PIN];
    expect(secrets.filter((secret) => contents.includes(secret))).toEqual([]);

    // The new PIN signs; then the PIN and the PUK are put back for whoever comes next.
    await backToCodeEntry(page);
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    await enterCode(page, session.verificationCode);
    await page.getByRole('radio', { name: 'AHMET YILMAZ' }).waitFor();
    await signWithPin(page, UNLOCKED_PIN);
    await page.getByRole('heading', { name: 'İmzalandı' }).waitFor({ timeout: 30_000 });
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });

    await page.getByRole('button', { name: 'Sertifika İşlemleri' }).click();
    await panel.getByRole('button', { name: 'PIN kilidini çöz (PUK ile)' }).click();
    await unlock(NEW_PUK, PIN);
    await panel.getByText("PIN kilidi çözüldü; yeni PIN'iniz geçerli.").waitFor();
    await panel.getByRole('button', { name: 'PUK değiştir' }).click();
    await changePuk(NEW_PUK, PUK);
    await panel.getByText('PUK değiştirildi.').waitFor();
    expect(await page.content()).not.toContain(NEW_PUK);
  });
});
