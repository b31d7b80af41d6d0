import { rmSync } from 'node:fs';
import {
  OPENCRYPTOKI_MODULE_PATH,
  acquireOpenCryptokiLock,
  ensureOpenCryptokiToken,
  openCryptokiUnavailableReason,
  startTestPki,
  type OpenCryptokiToken,
  type ReleaseLock,
  type RunningTestPki,
} from '@eimza/testpki';
import { openTokenService, type TokenService } from '@eimza/token';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSession, sessionState, startApi, tempDir } from '../support/api.js';
import { leakedSecrets, startDesktop, type Desktop } from '../support/desktop.js';

// A PIN that really locks needs openCryptoki's soft token (SoftHSM2 never locks). The token is
// host-wide: the openCryptoki lock is held for the whole file.
const AHMET = '10000000146';
const PIN = 'Kx7mQ2pa';
const PUK = 'Pu5kRt8w';
const WRONG_PIN = 'Wq3nZ0yv';
const WRONG_PUK = 'Zr4tLc1e';

const unavailable = openCryptokiUnavailableReason();
const title = (name: string) => (unavailable ? `${name} (skipped: ${unavailable})` : name);

let release: ReleaseLock | undefined;
let token: OpenCryptokiToken;
let pki: RunningTestPki;
let service: TokenService | undefined;
let work: string;
let api: { app: FastifyInstance; url: string };
let desktop: Desktop | undefined;

beforeAll(async () => {
  if (unavailable) return;
  release = await acquireOpenCryptokiLock();
  work = tempDir('eimza-desktop-locked-');
  pki = await startTestPki();
  token = await ensureOpenCryptokiToken({
    pki: pki.pki,
    label: 'EIMZA-LOCK',
    pin: PIN,
    puk: PUK,
    tckn: AHMET,
    name: 'AHMET YILMAZ',
  });
  const env = { ...process.env };
  delete env.EIMZA_PKCS11_MODULE;
  service = await openTokenService({
    explicitOnly: true,
    modulePaths: [OPENCRYPTOKI_MODULE_PATH],
    env,
  });
  api = await startApi(work, pki.pki, 'locked');
  desktop = await startDesktop({ tokens: service, apiUrl: api.url });
});

afterAll(async () => {
  await desktop?.close();
  await api?.app.close();
  await service?.close();
  await pki?.close();
  await release?.();
  if (work) rmSync(work, { recursive: true, force: true });
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
