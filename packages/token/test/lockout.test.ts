import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  OPENCRYPTOKI_MODULE_PATH,
  createTestPki,
  lockingTokenFixture,
  openCryptokiOnlyEnv,
  type OpenCryptokiToken,
} from '@eimza/testpki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenError, openTokenService, type TokenService } from '../src/index.js';

// The lockout and PUK flows through the token layer, on openCryptoki's soft token: SoftHSM2 never locks a PIN.
const PIN = '123456';
const PUK = '12345678';
const NEW_PIN = '246810';
const WRONG_PIN = '999999';
const WRONG_PUK = '87654321';

const lockingToken = lockingTokenFixture();
const { unavailable, title } = lockingToken;

let token: OpenCryptokiToken;
let service: TokenService | undefined;
let certId: string;
let work: string;

/** The rejection of `promise`, which must be a TokenError. */
async function tokenError(promise: Promise<unknown>): Promise<TokenError> {
  const outcome = await promise.then(
    () => new Error('expected a TokenError, the call succeeded'),
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(TokenError);
  return outcome as TokenError;
}

function opensslVerifies(data: Buffer, signature: Uint8Array): boolean {
  const publicKey = new X509Certificate(token.certificate.der).publicKey;
  writeFileSync(join(work, 'pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(work, 'data'), data);
  writeFileSync(join(work, 'sig'), signature);
  try {
    const result = execFileSync(
      'openssl',
      [
        'dgst',
        '-sha256',
        '-verify',
        join(work, 'pub.pem'),
        '-signature',
        join(work, 'sig'),
        join(work, 'data'),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return result.trim() === 'Verified OK';
  } catch {
    return false;
  }
}

beforeAll(async () => {
  if (unavailable) return;
  work = mkdtempSync(join(tmpdir(), 'eimza-lockout-'));
  token = await lockingToken.setUp({
    pki: await createTestPki(),
    label: 'EIMZA-LOCK',
    pin: PIN,
    puk: PUK,
    tckn: '10000000146',
    name: 'AHMET YILMAZ',
  });
  certId = `${token.tokenSerial}:${token.ckaId}`;
  service = await openTokenService({
    explicitOnly: true,
    modulePaths: [OPENCRYPTOKI_MODULE_PATH],
    env: openCryptokiOnlyEnv(),
  });
});

afterAll(async () => {
  await service?.close();
  await lockingToken.release();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('PIN lockout and PUK unlock through @eimza/token (openCryptoki soft token)', () => {
  it.skipIf(unavailable)(
    title('lists the soft token’s certificate with its private key'),
    async () => {
      const certificates = await service!.listCertificates();
      const mine = certificates.find((certificate) => certificate.id === certId);
      expect(mine?.tckn).toBe('10000000146');
      expect(mine?.hasPrivateKey).toBe(true);
      const info = (await service!.listTokens()).find(
        (candidate) => candidate.serial === token.tokenSerial,
      );
      expect(info?.userPin).toMatchObject({ countLow: false, finalTry: false, locked: false });
    },
  );

  it.skipIf(unavailable)(title('first wrong PIN: PIN_INCORRECT, pinState.countLow'), async () => {
    const error = await tokenError(service!.openSigningSession(certId, WRONG_PIN));
    expect(error.code).toBe('PIN_INCORRECT');
    expect(error.pinState).toMatchObject({ countLow: true, finalTry: false, locked: false });
    expect(JSON.stringify(error)).not.toContain(WRONG_PIN);
    expect(error.message).not.toContain(WRONG_PIN);
  });

  it.skipIf(unavailable)(title('second wrong PIN: PIN_INCORRECT, pinState.finalTry'), async () => {
    const error = await tokenError(service!.openSigningSession(certId, WRONG_PIN));
    expect(error.code).toBe('PIN_INCORRECT');
    expect(error.pinState).toMatchObject({ finalTry: true, locked: false });
  });

  it.skipIf(unavailable)(title('third wrong PIN locks it: pinState.locked'), async () => {
    const error = await tokenError(service!.openSigningSession(certId, WRONG_PIN));
    expect(error.pinState?.locked).toBe(true);
  });

  it.skipIf(unavailable)(title('locked: even the right PIN gets PIN_LOCKED'), async () => {
    const error = await tokenError(service!.openSigningSession(certId, PIN));
    expect(error.code).toBe('PIN_LOCKED');
    expect(error.pinState?.locked).toBe(true);
    const info = (await service!.listTokens()).find(
      (candidate) => candidate.serial === token.tokenSerial,
    );
    expect(info?.userPin.locked).toBe(true);
  });

  it.skipIf(unavailable)(title('a wrong PUK does not unlock: SO_PIN_INCORRECT'), async () => {
    const error = await tokenError(service!.unlockPin(token.tokenSerial, WRONG_PUK, NEW_PIN));
    expect(error.code).toBe('SO_PIN_INCORRECT');
    expect(JSON.stringify(error)).not.toContain(WRONG_PUK);
    expect(JSON.stringify(error)).not.toContain(NEW_PIN);
  });

  it.skipIf(unavailable)(
    title('unlockPin with the PUK sets a new PIN; a session with it signs, openssl verifies'),
    async () => {
      await service!.unlockPin(token.tokenSerial, PUK, NEW_PIN);
      const info = (await service!.listTokens()).find(
        (candidate) => candidate.serial === token.tokenSerial,
      );
      expect(info?.userPin).toMatchObject({ countLow: false, finalTry: false, locked: false });

      const session = await service!.openSigningSession(certId, NEW_PIN);
      try {
        const data = Buffer.from('imza after PUK unlock');
        const signature = await session.signData(data, { hash: 'SHA-256' });
        expect(opensslVerifies(data, signature)).toBe(true);
        expect(opensslVerifies(Buffer.from('other data'), signature)).toBe(false);
      } finally {
        await session.close();
      }
    },
  );

  it.skipIf(unavailable)(title('the old PIN no longer opens a session'), async () => {
    const error = await tokenError(service!.openSigningSession(certId, PIN));
    expect(error.code).toBe('PIN_INCORRECT');
  });
});
