import { type TestTokens } from '@eimza/testpki';
import type { TokenService } from '@eimza/token';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppEvent, SigningSnapshot } from '../../src/shared/ipc.js';
import { createSession, sessionState, type TestApi } from '../support/api.js';
import { startDesktop, type Desktop } from '../support/desktop.js';
import { CardSlot } from '../support/kit.js';
import { startSoftHsmStack, type SoftHsmStack } from '../support/stack.js';

// Its own file (and process): cards are "pulled out" by deleting SoftHSM2 token folders, which
// is how a removed card looks to the module.
const PIN = 'Cekilen-PIN-31';

let stack: SoftHsmStack;
let cards: TestTokens;
let service: TokenService;
let api: TestApi;
let desktop: Desktop;

/** Pulls out the card holding `label` for good (its SoftHSM2 token folder is deleted). */
function pullOut(label: string): void {
  new CardSlot(cards.dir, label).pullOut();
}

function signingEvent(match: (snapshot: SigningSnapshot) => boolean) {
  return (event: AppEvent) => event.type === 'signing' && match(event.snapshot);
}

beforeAll(async () => {
  // The two demo cards: Ahmet's RSA one, Ayşe's EC one.
  stack = await startSoftHsmStack('removed', { pin: PIN });
  ({ cards, tokens: service, api } = stack);
  desktop = await startDesktop({ tokens: service, apiUrl: api.url, watchIntervalMs: 150 });
});

afterAll(async () => {
  await desktop?.close();
  await stack?.close();
});

it('a card pulled out while choosing: tokens pushed, the certificate cards update by themselves', async () => {
  await desktop.waitForEvent((e) => e.type === 'tokens' && e.tokens.length === 2);
  const session = await createSession(api.url, { purpose: 'login' });
  const started = await desktop.value('signing:start', {
    code: session.verificationCode,
    apiOrigin: api.url,
  });
  expect(started.choices!.usable.map((c) => c.tokenLabel).sort()).toEqual([
    'EIMZA-EC',
    'EIMZA-RSA',
  ]);
  const ec = started.choices!.usable.find((c) => c.tokenLabel === 'EIMZA-EC')!;
  await desktop.value('signing:select', { certificateId: ec.id });

  pullOut('EIMZA-RSA');
  const tokensEvent = await desktop.waitForEvent(
    (e) => e.type === 'tokens' && e.tokens.length === 1,
  );
  expect(tokensEvent).toMatchObject({ tokens: [{ label: 'EIMZA-EC' }] });
  const live = await desktop.waitForEvent(signingEvent((s) => s.choices?.usable.length === 1));
  expect(live).toMatchObject({
    snapshot: {
      step: 'choosing',
      selectedCertificateId: ec.id,
      pinPrompt: { certificateId: ec.id },
    },
  });
  await desktop.value('signing:reset');
});

it('the card pulled out mid-sign: TOKEN_REMOVED with retry certificates, nothing submitted; the list then says no card', async () => {
  const session = await createSession(api.url, { purpose: 'login' });
  const started = await desktop.value('signing:start', {
    code: session.verificationCode,
    apiOrigin: api.url,
  });
  const id = started.choices!.usable[0]!.id;
  const unhook = hookOnce(
    desktop,
    (s) => s.step === 'signing' && s.progress !== undefined,
    () => pullOut('EIMZA-EC'),
  );
  const outcome = await desktop.value('signing:sign', { certificateId: id, pin: PIN });
  unhook();
  expect(outcome).toMatchObject({ step: 'failed', error: { retry: 'certificates' } });
  expect(['TOKEN_REMOVED', 'TOKEN_NOT_PRESENT']).toContain(outcome.error!.code);
  expect(outcome.error!.message).toMatch(/Kart/);
  expect(await sessionState(api.app, session)).toMatchObject({ state: 'pending' });
  // The watcher notices the card is gone and lists again: no card, said as such.
  const none = await desktop.waitForEvent(signingEvent((s) => s.error?.code === 'NO_CERTIFICATES'));
  expect(none).toMatchObject({ snapshot: { step: 'failed', error: { retry: 'certificates' } } });
  expect(
    JSON.stringify(desktop.events) + JSON.stringify(desktop.answers) + desktop.log(),
  ).not.toContain(PIN);
});

function hookOnce(
  desktop: Desktop,
  match: (s: SigningSnapshot) => boolean,
  action: () => void,
): () => void {
  let done = false;
  return desktop.onEvent((event) => {
    if (!done && event.type === 'signing' && match(event.snapshot)) {
      done = true;
      action();
    }
  });
}
