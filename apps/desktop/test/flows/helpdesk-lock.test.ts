import { lockingTokenFixture } from '@eimza/testpki';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { createSession, sessionState, type TestApi } from '../support/api.js';
import {
  enterCode,
  expectNoAxeViolations,
  LABEL,
  screenshot,
  signWithPin,
} from '../support/kit.js';
import { startLockingStack, useDesktopUi } from '../support/stack.js';

// Sertifika İşlemleri on a token whose PIN and PUK really count tries: openCryptoki's soft token
// (SoftHSM2 never locks). The token is host-wide, so the openCryptoki lock is held for the whole
// file and the token is set up afresh (ensureOpenCryptokiToken resets it). The renderer's pin-lock
// test locks the PIN by signing and unlocks it on the signing page; this locks it in the helpdesk
// (three wrong current PINs in PIN değiştir) and unlocks and changes the PUK there.
// 4 to 8 characters: the soft token's limits.
const PIN = 'Kilit-24';
const PUK = 'Puk-1357';
const WRONG_PIN = 'Yanlis-1';
const WRONG_PUK = 'Hatali-9';
const NEW_PIN = 'Yeni-246';
const NEW_PUK = 'YeniPUK8';

const lockingToken = lockingTokenFixture();
const { unavailable, title } = lockingToken;

let api: TestApi;
let page: Page;

useDesktopUi(
  () =>
    startLockingStack('flows-lock', {
      fixture: lockingToken,
      pin: PIN,
      puk: PUK,
      tckn: '10000000146',
      name: 'AHMET YILMAZ',
    }),
  { skip: unavailable },
  (app) => ({ api, page } = app),
);

/** The token panel's fact list, as `term: value` lines. */
async function facts(panel: Locator): Promise<Record<string, string>> {
  const terms = await panel.locator('dl.facts dt').allTextContents();
  const values = await panel.locator('dl.facts dd').allTextContents();
  return Object.fromEntries(terms.map((term, i) => [term, values[i] ?? '']));
}

/** The helpdesk's forms, filled as a person does (every new value typed twice). */
const changePin = async (panel: Locator, from: string, to: string) => {
  await panel.getByLabel('Şimdiki PIN').fill(from);
  await panel.getByLabel('Yeni PIN', { exact: true }).fill(to);
  await panel.getByLabel('Yeni PIN (tekrar)').fill(to);
  await panel.getByRole('button', { name: 'PIN değiştir' }).last().click();
};
const unlock = async (panel: Locator, puk: string, pin: string) => {
  await panel.getByLabel('PUK', { exact: true }).fill(puk);
  await panel.getByLabel('Yeni PIN', { exact: true }).fill(pin);
  await panel.getByLabel('Yeni PIN (tekrar)').fill(pin);
  await panel.getByRole('button', { name: 'Kilidi çöz' }).click();
};
const changePuk = async (panel: Locator, from: string, to: string) => {
  await panel.getByLabel('Şimdiki PUK').fill(from);
  await panel.getByLabel('Yeni PUK', { exact: true }).fill(to);
  await panel.getByLabel('Yeni PUK (tekrar)').fill(to);
  await panel.getByRole('button', { name: 'PUK değiştir' }).last().click();
};
const pinStatus = async (panel: Locator, status: string) =>
  expect.poll(async () => (await facts(panel))['PIN durumu']).toBe(status);

it.skipIf(unavailable)(
  title(
    'three wrong current PINs in PIN değiştir lock it (tries shown on the way); the PUK unlocks it in place (a wrong PUK counted first); PUK change; the old PUK then fails, the new one works',
  ),
  async () => {
    await page.getByRole('button', { name: 'Sertifika İşlemleri' }).click();
    const panel = page.getByRole('region', { name: 'EIMZA-LOCK' });
    await panel.waitFor();
    expect(await facts(panel)).toMatchObject({ 'PIN durumu': 'Kullanılabilir' });

    await panel.getByRole('button', { name: 'PIN değiştir' }).click();
    await changePin(panel, WRONG_PIN, NEW_PIN);
    await panel.getByRole('alert').filter({ hasText: "PIN'i yeniden yazın" }).waitFor();
    await pinStatus(panel, 'Yanlış deneme yapıldı');
    await changePin(panel, WRONG_PIN, NEW_PIN);
    await pinStatus(panel, 'SON DENEME HAKKI');
    await panel.getByText('SON DENEME HAKKI: bir yanlış PIN daha kartınızı kilitler.').waitFor();
    await changePin(panel, WRONG_PIN, NEW_PIN);
    await pinStatus(panel, 'Kilitli');
    await panel.getByText('PIN kilitlendi: çok fazla yanlış deneme yapıldı.').waitFor();
    await expectNoAxeViolations(page, 'helpdesk, PIN locked');

    await panel.getByRole('button', { name: 'PIN kilidini çöz (PUK ile)' }).click();
    await panel.getByLabel('PUK', { exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Sertifika İşlemleri' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'puk-unlock');
    await expectNoAxeViolations(page, 'helpdesk, PUK unlock form');

    await unlock(panel, WRONG_PUK, NEW_PIN);
    await panel.getByRole('alert').filter({ hasText: "PUK'u yeniden yazın" }).waitFor();
    await pinStatus(panel, 'Kilitli');
    await expect.poll(async () => (await facts(panel))['PUK durumu']).toBe('Yanlış deneme yapıldı');
    await panel.getByText('PUK için daha önce yanlış deneme yapıldı.').waitFor();
    await unlock(panel, PUK, NEW_PIN);
    await panel.getByText("PIN kilidi çözüldü; yeni PIN'iniz geçerli.").waitFor();
    await pinStatus(panel, 'Kullanılabilir');

    // The unlocked PIN is the one set: it is accepted as the current PIN (and put back).
    await panel.getByRole('button', { name: 'PIN değiştir' }).click();
    await changePin(panel, NEW_PIN, PIN);
    await panel.getByText('PIN değiştirildi.').waitFor();

    await panel.getByRole('button', { name: 'PUK değiştir' }).click();
    await changePuk(panel, PUK, NEW_PUK);
    await panel.getByText('PUK değiştirildi.').waitFor();
    await panel.getByRole('button', { name: 'PIN kilidini çöz (PUK ile)' }).click();
    await unlock(panel, PUK, PIN);
    await panel.getByRole('alert').filter({ hasText: "PUK'u yeniden yazın" }).waitFor();
    await unlock(panel, NEW_PUK, PIN);
    await panel.getByText("PIN kilidi çözüldü; yeni PIN'iniz geçerli.").waitFor();
    expect(await facts(panel)).toMatchObject({
      'PIN durumu': 'Kullanılabilir',
      'PUK durumu': 'Kullanılabilir',
    });

    const secrets = [PIN, PUK, WRONG_PIN, WRONG_PUK, NEW_PIN, NEW_PUK];
    const content = await page.content();
    expect(secrets.filter((secret) => content.includes(secret))).toEqual([]);
  },
);

it.skipIf(unavailable)(
  title(
    'a PIN locked in Sertifika İşlemleri while a challenge is open: the signing page shows PIN kilitli at once; unlocked in the helpdesk, the same challenge signs',
  ),
  async () => {
    // The PUK is the one the test above changed it to.
    const session = await createSession(api.url, { purpose: 'login', tckn: '10000000146' });
    await page.getByRole('button', { name: LABEL.sign, exact: true }).click();
    await enterCode(page, session.verificationCode);
    await page.getByLabel(LABEL.pin).waitFor();

    await page.getByRole('button', { name: 'Sertifika İşlemleri' }).click();
    const panel = page.getByRole('region', { name: 'EIMZA-LOCK' });
    await panel.getByRole('button', { name: 'PIN değiştir' }).click();
    for (const status of ['Yanlış deneme yapıldı', 'SON DENEME HAKKI', 'Kilitli']) {
      await changePin(panel, WRONG_PIN, NEW_PIN);
      await pinStatus(panel, status);
    }

    await page.getByRole('button', { name: LABEL.sign, exact: true }).click();
    await page.getByRole('heading', { name: 'PIN kilitli' }).waitFor();
    expect(await page.getByLabel(LABEL.pin).count()).toBe(0);
    await expectNoAxeViolations(page, 'signing page, PIN locked from the helpdesk');

    await page.getByRole('button', { name: 'Sertifika İşlemleri' }).click();
    await panel.getByRole('button', { name: 'PIN kilidini çöz (PUK ile)' }).click();
    await unlock(panel, NEW_PUK, PIN);
    await panel.getByText("PIN kilidi çözüldü; yeni PIN'iniz geçerli.").waitFor();

    await page.getByRole('button', { name: LABEL.sign, exact: true }).click();
    await page.getByRole('heading', { name: 'Sözleşme' }).waitFor();
    await signWithPin(page, PIN);
    await page.getByRole('heading', { name: 'İmzalandı' }).waitFor({ timeout: 30_000 });
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });
  },
);
