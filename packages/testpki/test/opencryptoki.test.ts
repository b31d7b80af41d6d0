import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OPENCRYPTOKI_LOCK_PATH,
  OPENCRYPTOKI_MODULE_PATH,
  acquireOpenCryptokiLock,
  createTestPki,
  ensureOpenCryptokiToken,
  openCryptokiUnavailableReason,
  type OpenCryptokiToken,
  type ReleaseLock,
} from '../src/index.js';

const PIN = '123456';
const PUK = '12345678';
const NEW_PIN = '654321';
const WRONG_PIN = '999999';
/** DER prefix of a DigestInfo for SHA-256: the soft token has no CKM_SHA256_RSA_PKCS. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

const unavailable = openCryptokiUnavailableReason();
const title = (name: string) => (unavailable ? `${name} (skipped: ${unavailable})` : name);

let release: ReleaseLock | undefined;
let token: OpenCryptokiToken;
let p11: InstanceType<typeof pkcs11js.PKCS11>;
let slot: Buffer;
let work: string;

function pinFlags(): { countLow: boolean; finalTry: boolean; locked: boolean } {
  const { flags } = p11.C_GetTokenInfo(slot);
  return {
    countLow: (flags & pkcs11js.CKF_USER_PIN_COUNT_LOW) !== 0,
    finalTry: (flags & pkcs11js.CKF_USER_PIN_FINAL_TRY) !== 0,
    locked: (flags & pkcs11js.CKF_USER_PIN_LOCKED) !== 0,
  };
}

/** One user login in a fresh session; returns the CKR name (CKR_OK on success). */
function userLogin(pin: string): string {
  const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  try {
    p11.C_Login(session, pkcs11js.CKU_USER, pin);
    p11.C_Logout(session);
    return 'CKR_OK';
  } catch (error) {
    return (error as Error).message;
  } finally {
    p11.C_CloseSession(session);
  }
}

/** Signs with the token's key (CKM_RSA_PKCS over a SHA-256 DigestInfo) and checks it with openssl. */
function signAndVerifyWithOpenssl(pin: string, data: Buffer): string {
  const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  let signature: Buffer;
  try {
    p11.C_Login(session, pkcs11js.CKU_USER, pin);
    p11.C_FindObjectsInit(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_ID, value: Buffer.from(token.ckaId, 'hex') },
    ]);
    const [key] = p11.C_FindObjects(session, 2);
    p11.C_FindObjectsFinal(session);
    if (!key) throw new Error('private key not found');
    const digestInfo = Buffer.concat([
      SHA256_DIGEST_INFO,
      createHash('sha256').update(data).digest(),
    ]);
    p11.C_SignInit(session, { mechanism: pkcs11js.CKM_RSA_PKCS }, key);
    signature = p11.C_Sign(session, digestInfo, Buffer.alloc(512));
    p11.C_Logout(session);
  } finally {
    p11.C_CloseSession(session);
  }
  const publicKey = new X509Certificate(token.certificate.der).publicKey;
  writeFileSync(join(work, 'pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(work, 'data'), data);
  writeFileSync(join(work, 'sig'), signature);
  return execFileSync(
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
    { encoding: 'utf8' },
  ).trim();
}

beforeAll(async () => {
  if (unavailable) return;
  work = mkdtempSync(join(tmpdir(), 'eimza-ock-test-'));
  release = await acquireOpenCryptokiLock();
  const pki = await createTestPki();
  token = await ensureOpenCryptokiToken({
    pki,
    label: 'EIMZA-LOCK',
    pin: PIN,
    puk: PUK,
    tckn: '10000000146',
    name: 'AHMET YILMAZ',
  });
  console.log(
    `openCryptoki soft token ready in ${token.setupMs} ms (pkcsslotd ${token.daemonStarted ? 'started' : 'already running'})`,
  );
  p11 = new pkcs11js.PKCS11();
  p11.load(OPENCRYPTOKI_MODULE_PATH);
  p11.C_Initialize();
  const found = p11
    .C_GetSlotList(true)
    .find((candidate) => candidate.readUInt32LE(0) === Number(token.slotId));
  if (!found) throw new Error(`slot ${token.slotId} not found`);
  slot = found;
});

afterAll(async () => {
  if (p11) {
    p11.C_Finalize();
    p11.close();
  }
  await release?.();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('openCryptoki soft token: a PIN that really locks (raw PKCS#11)', () => {
  it.skipIf(unavailable)(
    title('is set up with an RSA key and its certificate under one CKA_ID'),
    () => {
      expect(token.slotId).toBe('3');
      expect(token.ckaId).toMatch(/^[0-9a-f]{40}$/u);
      expect(token.certificate.subject).toContain('serialNumber=10000000146');
      expect(signAndVerifyWithOpenssl(PIN, Buffer.from('before lockout'))).toBe('Verified OK');
      expect(pinFlags()).toEqual({ countLow: false, finalTry: false, locked: false });
    },
  );

  it.skipIf(unavailable)(
    title('holds the host-wide lock: nobody else can take it meanwhile'),
    () => {
      expect(() =>
        execFileSync('flock', ['--nonblock', OPENCRYPTOKI_LOCK_PATH, 'true'], { stdio: 'pipe' }),
      ).toThrow();
    },
  );

  it.skipIf(unavailable)(title('first wrong PIN: CKR_PIN_INCORRECT and USER_PIN_COUNT_LOW'), () => {
    expect(userLogin(WRONG_PIN)).toBe('CKR_PIN_INCORRECT');
    expect(pinFlags()).toEqual({ countLow: true, finalTry: false, locked: false });
  });

  it.skipIf(unavailable)(title('second wrong PIN: USER_PIN_FINAL_TRY'), () => {
    expect(userLogin(WRONG_PIN)).toBe('CKR_PIN_INCORRECT');
    expect(pinFlags().finalTry).toBe(true);
    expect(pinFlags().locked).toBe(false);
  });

  it.skipIf(unavailable)(title('third wrong PIN: USER_PIN_LOCKED'), () => {
    expect(userLogin(WRONG_PIN)).toBe('CKR_PIN_INCORRECT');
    expect(pinFlags().locked).toBe(true);
  });

  it.skipIf(unavailable)(title('once locked, even the right PIN gets CKR_PIN_LOCKED'), () => {
    expect(userLogin(PIN)).toBe('CKR_PIN_LOCKED');
    expect(pinFlags().locked).toBe(true);
  });

  it.skipIf(unavailable)(
    title('the PUK unlocks: SO login in a read-write session, C_InitPIN(new PIN)'),
    () => {
      const session = p11.C_OpenSession(
        slot,
        pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION,
      );
      try {
        p11.C_Login(session, pkcs11js.CKU_SO, PUK);
        p11.C_InitPIN(session, NEW_PIN);
        p11.C_Logout(session);
      } finally {
        p11.C_CloseSession(session);
      }
      expect(pinFlags()).toEqual({ countLow: false, finalTry: false, locked: false });
    },
  );

  it.skipIf(unavailable)(
    title('the new PIN logs in, the old PIN no longer does, and the old key still signs'),
    () => {
      expect(userLogin(PIN)).toBe('CKR_PIN_INCORRECT');
      expect(signAndVerifyWithOpenssl(NEW_PIN, Buffer.from('after unlock'))).toBe('Verified OK');
      expect(pinFlags()).toEqual({ countLow: false, finalTry: false, locked: false });
    },
  );
});
