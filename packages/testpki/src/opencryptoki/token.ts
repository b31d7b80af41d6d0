import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import type { SignerIssuer } from '../softhsm/issuer.js';
import {
  slotIdString,
  trimPadded,
  type CertificateSummary,
  type Pkcs11,
} from '../softhsm/pkcs11Objects.js';
import { ensureSignerObjects } from '../softhsm/signerObjects.js';
import { assertOpenCryptokiAvailable } from './availability.js';
import { ensurePkcsslotd } from './daemon.js';
import {
  FACTORY_SO_PIN,
  MAX_PIN_LENGTH,
  MIN_PIN_LENGTH,
  OPENCRYPTOKI_MODULE_PATH,
  SOFT_TOKEN_DIR,
  SOFT_TOKEN_SLOT,
} from './paths.js';

export interface EnsureOpenCryptokiTokenOptions {
  pki: SignerIssuer;
  /** Token label (at most 32 bytes). */
  label: string;
  /** User PIN, 4 to 8 characters (the soft token's limits). */
  pin: string;
  /** Becomes the SO PIN, 4 to 8 characters: the PUK that unlocks a locked user PIN. */
  puk: string;
  tckn: string;
  name: string;
}

export interface OpenCryptokiToken {
  modulePath: string;
  /** Decimal slot id (3 in the stock configuration). */
  slotId: string;
  label: string;
  tokenSerial: string;
  keyType: 'rsa2048';
  /** CKA_ID of key pair and certificate, lower-case hex. */
  ckaId: string;
  keyLabel: string;
  certificate: CertificateSummary;
  /** Whether this call had to start pkcsslotd. */
  daemonStarted: boolean;
  /** Wall time of the whole setup: daemon, reset, initialisation, key generation, certificate. */
  setupMs: number;
}

/**
 * Returns the soft token to the state of a fresh install. Its SO PIN cannot be unlocked through PKCS#11,
 * so deleting the token's files is the only reset there is.
 */
export function resetOpenCryptokiToken(): void {
  assertOpenCryptokiAvailable();
  for (const file of ['NVTOK.DAT', 'MK_SO', 'MK_USER'])
    rmSync(join(SOFT_TOKEN_DIR, file), { force: true });
  const objects = join(SOFT_TOKEN_DIR, 'TOK_OBJ');
  for (const entry of readdirSync(objects))
    rmSync(join(objects, entry), { recursive: true, force: true });
}

function assertPinLength(what: string, value: string): void {
  if (value.length < MIN_PIN_LENGTH || value.length > MAX_PIN_LENGTH) {
    throw new Error(
      `The ${what} must be ${MIN_PIN_LENGTH} to ${MAX_PIN_LENGTH} characters for the openCryptoki soft token.`,
    );
  }
}

let loadedModule: Pkcs11 | undefined;

/**
 * Loaded once per process and never unloaded: unloading openCryptoki and loading it again segfaults the process
 * once SoftHSM2 has been loaded in it as well (seen here with pkcs11js 2.1.7, openCryptoki 3.8.1).
 */
function openCryptokiModule(): Pkcs11 {
  if (!loadedModule) {
    const p11 = new pkcs11js.PKCS11();
    p11.load(OPENCRYPTOKI_MODULE_PATH);
    loadedModule = p11;
  }
  return loadedModule;
}

function softTokenSlot(p11: Pkcs11): Buffer {
  const slot = p11
    .C_GetSlotList(true)
    .find((candidate) => slotIdString(candidate) === String(SOFT_TOKEN_SLOT));
  if (!slot)
    throw new Error(`openCryptoki shows no token in slot ${SOFT_TOKEN_SLOT} (the soft token).`);
  return slot;
}

/**
 * Sets up openCryptoki's soft token as a lockable test card: starts pkcsslotd if needed, resets the token,
 * initialises it (SO PIN changed from the factory value to `puk`, user PIN `pin`), generates an RSA-2048 key pair
 * on it and imports the test PKI's certificate under the same CKA_ID. The token is host-wide: hold the
 * openCryptoki lock (see lock.ts) around the setup and everything that uses the token afterwards.
 */
export async function ensureOpenCryptokiToken(
  options: EnsureOpenCryptokiTokenOptions,
): Promise<OpenCryptokiToken> {
  const started = performance.now();
  assertOpenCryptokiAvailable();
  assertPinLength('PIN', options.pin);
  assertPinLength('PUK', options.puk);
  const daemonStarted = await ensurePkcsslotd();
  resetOpenCryptokiToken();

  const p11 = openCryptokiModule();
  p11.C_Initialize();
  try {
    const slot = softTokenSlot(p11);
    p11.C_InitToken(slot, FACTORY_SO_PIN, options.label);
    const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      p11.C_Login(session, pkcs11js.CKU_SO, FACTORY_SO_PIN);
      p11.C_SetPIN(session, FACTORY_SO_PIN, options.puk);
      p11.C_InitPIN(session, options.pin);
      p11.C_Logout(session);
      p11.C_Login(session, pkcs11js.CKU_USER, options.pin);
      const objects = await ensureSignerObjects(p11, session, options.pki, {
        keyType: 'rsa2048',
        tckn: options.tckn,
        name: options.name,
        ca: 'rsa',
      });
      p11.C_Logout(session);
      return {
        modulePath: OPENCRYPTOKI_MODULE_PATH,
        slotId: slotIdString(slot),
        label: options.label,
        tokenSerial: trimPadded(p11.C_GetTokenInfo(slot).serialNumber),
        keyType: 'rsa2048',
        ckaId: objects.ckaId.toString('hex'),
        keyLabel: objects.keyLabel,
        certificate: objects.certificate,
        daemonStarted,
        setupMs: Math.round(performance.now() - started),
      };
    } finally {
      p11.C_CloseSession(session);
    }
  } finally {
    p11.C_Finalize();
  }
}
