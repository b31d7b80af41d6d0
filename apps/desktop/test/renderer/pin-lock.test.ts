import { join } from 'node:path';
import { lockingTokenFixture } from '@eimza/testpki';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { createSession, sessionState, type TestApi } from '../support/api.js';
import { startLockingStack, useDesktopUi } from '../support/stack.js';
import { axeViolations, SCREENSHOTS, type RendererHarness } from './harness.js';

// A PIN that really locks needs openCryptoki's soft token (SoftHSM2 never locks); the token is
// host-wide, so the openCryptoki lock is held for the whole file.
const AHMET = '10000000146';
const PIN = '123456';
const PUK = '12345678';
const WRONG = '999999';

const lockingToken = lockingTokenFixture();
const { unavailable, title } = lockingToken;

let api: TestApi;
let ui: RendererHarness;
let page: Page;

useDesktopUi(
  () =>
    startLockingStack('renderer-lock', {
      fixture: lockingToken,
      pin: PIN,
      puk: PUK,
      tckn: AHMET,
      name: 'AHMET YILMAZ',
    }),
  { watchIntervalMs: 500, skip: unavailable },
  (app) => ({ api, ui, page } = app),
);

async function signWith(pin: string): Promise<void> {
  await page.getByLabel("Kartınızın PIN'i").fill(pin);
  await page.getByRole('button', { name: 'İmzala', exact: true }).last().click();
}

it.skipIf(unavailable)(
  title(
    'wrong PINs: "yanlış deneme", then SON DENEME HAKKI, then locked; the PUK unlock on the same page, then signed',
  ),
  async () => {
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    await page.getByLabel('Doğrulama kodu (15 hane)').fill(session.verificationCode);
    await page.getByRole('button', { name: 'İleri' }).click();
    await page.getByRole('radio', { name: 'AHMET YILMAZ' }).waitFor();

    await signWith(WRONG);
    await page.getByText('Daha önce yanlış deneme yapıldı').waitFor();
    await signWith(WRONG);
    await page.getByText('SON DENEME HAKKI').waitFor();
    await page.getByRole('heading', { name: 'PIN', exact: true }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-pin-last-try.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    await signWith(WRONG);
    await page.getByRole('heading', { name: 'PIN kilitli' }).waitFor();
    expect(await page.getByLabel("Kartınızın PIN'i").count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('PUK', { exact: true }).fill(PUK);
    await page.getByLabel('Yeni PIN', { exact: true }).fill(PIN);
    await page.getByLabel('Yeni PIN (tekrar)').fill(PIN);
    await page.getByRole('button', { name: 'Kilidi çöz' }).click();
    await page.getByLabel("Kartınızın PIN'i").waitFor();
    expect(await page.getByText('SON DENEME HAKKI').count()).toBe(0);

    await signWith(PIN);
    await page.getByRole('heading', { name: 'İmzalandı' }).waitFor({ timeout: 30_000 });
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });
    const unlocks = ui.calls.filter((c) => c.channel === 'pin:unlock');
    expect(unlocks).toHaveLength(1);
    expect(await page.content()).not.toContain(PUK);
  },
);
