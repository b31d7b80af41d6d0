import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { AppEvent } from '../../src/shared/ipc.js';
import { createSession, sessionState, type TestApi } from '../support/api.js';
import {
  backToCodeEntry,
  CardSlot,
  enterCode,
  expectNoAxeViolations,
  LABEL,
  signWithPin,
} from '../support/kit.js';
import type { RendererHarness } from '../renderer/harness.js';
import { startSoftHsmStack, useDesktopUi } from '../support/stack.js';

// Its own file (and process): cards are pulled out by moving SoftHSM2 token folders aside, and put
// back by moving them home. The card watcher polls at the app's own default (1 s). The renderer's
// cards-live test covers the one card pulled out and put back while choosing; this covers a card
// pulled out among two, the helpdesk's live list, and a card pulled out in the middle of signing.
const AHMET = '10000000146';
const PIN = 'Kart-PIN-9753';

let api: TestApi;
let ui: RendererHarness;
let page: Page;
let ahmet: CardSlot;
/** Runs on every event the services push, before the page gets it. */
const hooks = new Set<(event: AppEvent) => void>();

useDesktopUi(
  // The two demo cards: Ahmet's RSA one, Ayşe's EC one.
  () => startSoftHsmStack('flows-cards', { pin: PIN }),
  {
    onEvent: (event) => {
      for (const hook of [...hooks]) hook(event);
    },
  },
  (app) => {
    ({ api, ui, page } = app);
    ahmet = new CardSlot(app.cards.dir, 'EIMZA-RSA');
  },
);

it("one of two cards pulled out while the cards are shown: the other stays chosen, Sertifika İşlemleri drops the card's panel; put back, it returns by itself", async () => {
  const session = await createSession(api.url, { purpose: 'login' });
  await enterCode(page, session.verificationCode);
  const rsa = page.getByRole('radio', { name: 'AHMET YILMAZ' });
  const ec = page.getByRole('radio', { name: 'AYŞE KAYA' });
  await rsa.waitFor();
  // The radio follows the main process's choice: checked once its answer is back.
  await ec.click();
  await expect.poll(() => ec.isChecked()).toBe(true);

  ahmet.pullOut();
  await rsa.waitFor({ state: 'detached', timeout: 10_000 });
  expect(await ec.isChecked()).toBe(true);
  await page.getByLabel(LABEL.pin).waitFor();
  await expectNoAxeViolations(page, 'certificate choice after a card was pulled out');

  await page.getByRole('button', { name: 'Sertifika İşlemleri' }).click();
  await page.getByRole('region', { name: 'EIMZA-EC' }).waitFor();
  expect(await page.getByRole('region', { name: 'EIMZA-RSA' }).count()).toBe(0);
  ahmet.putBack();
  await page.getByRole('region', { name: 'EIMZA-RSA' }).waitFor({ timeout: 10_000 });

  await page.getByRole('button', { name: LABEL.sign, exact: true }).click();
  await rsa.waitFor();
  expect(await ec.isChecked()).toBe(true);
  await signWithPin(page, PIN);
  await page.getByRole('heading', { name: 'İmzalandı' }).waitFor({ timeout: 30_000 });
  await page.getByText('İmzalayan: AYŞE KAYA').waitFor();
  expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });
  await backToCodeEntry(page);
});

it('the card slips out while it signs and is pushed back at once: said on the same page, nothing sent; İmzala again signs', async () => {
  await backToCodeEntry(page);
  const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
  const signCalls = () => ui.calls.filter((c) => c.channel === 'signing:sign').length;
  const before = signCalls();
  await enterCode(page, session.verificationCode);
  await page.getByRole('radio', { name: 'AHMET YILMAZ' }).waitFor();

  // Out the moment the card starts on the first text, back the moment the failure is reported:
  // quicker than the watcher's poll, so the cards and the PIN form stay on screen as they were.
  const moves: string[] = [];
  const hook = (event: AppEvent) => {
    if (event.type !== 'signing') return;
    if (moves.length === 0 && event.snapshot.progress) {
      moves.push('out');
      ahmet.pullOut();
    } else if (moves.length === 1 && event.snapshot.step === 'failed') {
      moves.push(`back after ${event.snapshot.error?.code}`);
      ahmet.putBack();
    }
  };
  hooks.add(hook);
  try {
    await signWithPin(page, PIN);
    await page
      .getByRole('alert')
      .filter({ hasText: /Kartınızı (yeniden )?takın ve tekrar deneyin/ })
      .waitFor();
  } finally {
    hooks.delete(hook);
  }
  expect(moves).toHaveLength(2);
  expect(moves[1]).toMatch(/^back after TOKEN_(REMOVED|NOT_PRESENT)$/);
  await page.getByRole('heading', { name: 'Sözleşme' }).waitFor();
  expect(await sessionState(api.app, session)).toMatchObject({ state: 'pending' });
  await expectNoAxeViolations(page, 'card pulled out while signing');

  await signWithPin(page, PIN);
  await page.getByRole('heading', { name: 'İmzalandı' }).waitFor({ timeout: 30_000 });
  expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });
  // The PIN typed twice, once per attempt; nothing else was sent.
  expect(signCalls() - before).toBe(2);
});
