import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestTokens } from '@eimza/testpki';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { createSession, sessionState, type TestApi } from '../support/api.js';
import { startSoftHsmStack, useDesktopUi } from '../support/stack.js';
import { axeViolations, SCREENSHOTS } from './harness.js';

// Its own file (and process): it pulls the SoftHSM2 token out from under the running services and
// puts it back, as a user pulls and re-inserts a card while the certificate choice is on screen.
const AHMET = '10000000146';
const PIN = 'Kart-PIN-2468';

let work: string;
let cards: TestTokens;
let api: TestApi;
let page: Page;

useDesktopUi(
  () =>
    startSoftHsmStack('renderer-cards', {
      pin: PIN,
      tokens: [{ label: 'EIMZA-RSA', keyType: 'rsa2048', tckn: AHMET, name: 'AHMET YILMAZ' }],
    }),
  { watchIntervalMs: 300 },
  (app) => ({ work, cards, api, page } = app),
);

it('the certificate choice follows the card: pulled out → "Kart bulunamadı", put back → the card again, then signed', async () => {
  const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
  await page.getByLabel('Doğrulama kodu (15 hane)').fill(session.verificationCode);
  await page.getByRole('button', { name: 'İleri' }).click();
  await page.getByRole('radio', { name: 'AHMET YILMAZ' }).waitFor();

  const store = join(cards.dir, 'tokens');
  const aside = join(work, 'pulled-out');
  cpSync(store, aside, { recursive: true });
  for (const entry of readdirSync(store))
    rmSync(join(store, entry), { recursive: true, force: true });
  await page.getByText('Kart bulunamadı').waitFor({ timeout: 15_000 });
  await page.getByText('Akıllı kartınızı okuyucuya').first().waitFor();
  expect(await page.getByRole('radio', { name: 'AHMET YILMAZ' }).count()).toBe(0);
  await page.screenshot({ path: join(SCREENSHOTS, 'desktop-no-card.png'), fullPage: true });
  expect(await axeViolations(page)).toEqual([]);

  cpSync(aside, store, { recursive: true });
  await page.getByRole('radio', { name: 'AHMET YILMAZ' }).waitFor({ timeout: 15_000 });
  const card = page.getByRole('radio', { name: 'AHMET YILMAZ' });
  if (!(await card.isChecked())) await card.check();
  await page.getByLabel("Kartınızın PIN'i").fill(PIN);
  await page.getByRole('button', { name: 'İmzala', exact: true }).last().click();
  await page.getByRole('heading', { name: 'İmzalandı' }).waitFor({ timeout: 30_000 });
  expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });
});
