import { lockingTokenFixture, type OpenCryptokiToken } from '@eimza/testpki';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSession, sessionState, type TestApi } from '../support/api.js';
import { leakedSecrets, startDesktop, type Desktop } from '../support/desktop.js';
import { startLockingStack, type LockingStack } from '../support/stack.js';

// A PIN that really locks needs openCryptoki's soft token (SoftHSM2 never locks). The token is
// host-wide: the openCryptoki lock is held for the whole file.
const AHMET = '10000000146';
const PIN = 'Kx7mQ2pa';
const PUK = 'Pu5kRt8w';
const WRONG_PIN = 'Wq3nZ0yv';
const WRONG_PUK = 'Zr4tLc1e';

const lockingToken = lockingTokenFixture();
const { unavailable, title } = lockingToken;

let stack: LockingStack | undefined;
let token: OpenCryptokiToken;
let api: TestApi;
let desktop: Desktop | undefined;

beforeAll(async () => {
  if (unavailable) return;
  stack = await startLockingStack('locked', {
    fixture: lockingToken,
    pin: PIN,
    puk: PUK,
    tckn: AHMET,
    name: 'AHMET YILMAZ',
  });
  ({ lockingToken: token, api } = stack);
  desktop = await startDesktop({ tokens: stack.tokens, apiUrl: api.url });
});

afterAll(async () => {
  await desktop?.close();
  await stack?.close();
});

it.skipIf(unavailable)(
  title(
    'wrong PINs: tries low, final try, locked (PIN_LOCKED with the token serial); a wrong PUK is typed; pin:unlock with the PUK, then the same flow signs',
  ),
  async () => {
    const d = desktop!;
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    const started = await d.value('signing:start', {
      code: session.verificationCode,
      apiOrigin: api.url,
    });
    const id = started.selectedCertificateId!;
    expect(started.pinPrompt).toMatchObject({
      tokenSerial: token.tokenSerial,
      minPinLength: 4,
      maxPinLength: 8,
      pinState: { countLow: false, finalTry: false, locked: false },
    });

    const first = await d.value('signing:sign', { certificateId: id, pin: WRONG_PIN });
    expect(first).toMatchObject({
      step: 'failed',
      error: {
        code: 'PIN_INCORRECT',
        retry: 'sign',
        pinState: { countLow: true, finalTry: false },
      },
      pinPrompt: { retry: true, pinState: { countLow: true, finalTry: false, locked: false } },
    });
    const second = await d.value('signing:sign', { certificateId: id, pin: WRONG_PIN });
    expect(second).toMatchObject({
      error: { code: 'PIN_INCORRECT', pinState: { finalTry: true, locked: false } },
      pinPrompt: { retry: true, pinState: { finalTry: true } },
    });
    const third = await d.value('signing:sign', { certificateId: id, pin: WRONG_PIN });
    expect(third).toMatchObject({
      step: 'failed',
      error: { code: 'PIN_LOCKED', retry: 'sign', pinState: { locked: true } },
      pinPrompt: { tokenSerial: token.tokenSerial, pinState: { locked: true } },
    });
    expect(third.error!.message).toContain('PUK');
    expect(await d.value('signing:sign', { certificateId: id, pin: PIN })).toMatchObject({
      error: { code: 'PIN_LOCKED' },
    });
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'pending' });

    expect(
      await d.call('pin:unlock', { tokenSerial: token.tokenSerial, puk: WRONG_PUK, newPin: PIN }),
    ).toMatchObject({
      ok: false,
      error: { code: 'PUK_INCORRECT' },
    });
    expect(
      await d.call('pin:unlock', { tokenSerial: token.tokenSerial, puk: PUK, newPin: 'abc' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'PIN_LEN_RANGE', message: 'PIN 4 ile 8 karakter arasında olmalı.' },
    });
    const unlocked = await d.value('pin:unlock', {
      tokenSerial: token.tokenSerial,
      puk: PUK,
      newPin: PIN,
    });
    expect(unlocked).toMatchObject({ serial: token.tokenSerial, userPin: { locked: false } });
    // The signing screen learns of the unlock at once: the lock is gone from its prompt and error.
    const after = await d.value('signing:snapshot');
    expect(after.pinPrompt).toMatchObject({ pinState: { locked: false } });
    expect(after.error).toBeUndefined();

    expect(await d.value('signing:sign', { certificateId: id, pin: PIN })).toMatchObject({
      step: 'done',
      result: { state: 'signed', signer: { tckn: AHMET } },
    });
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });
    expect(leakedSecrets(d, [PIN, PUK, WRONG_PIN, WRONG_PUK])).toEqual([]);
  },
);
