import pkcs11js from 'pkcs11js';
import type { SignerIssuer } from '../softhsm/issuer.js';
import {
  slotIdString,
  trimPadded,
  type CertificateSummary,
  type Pkcs11,
} from '../softhsm/pkcs11Objects.js';
import { ensureSignerObjects } from '../softhsm/signerObjects.js';
import { ensurePkcsslotd } from './daemon.js';
import { FACTORY_SO_PIN, OPENCRYPTOKI_MODULE_PATH, SOFT_TOKEN_SLOT } from './paths.js';
import { resetOpenCryptokiToken } from './reset.js';

export interface SoftTokenRequest {
  label: string;
  pin: string;
  puk: string;
  tckn: string;
  name: string;
}

export interface SoftTokenResult {
  slotId: string;
  tokenSerial: string;
  ckaId: string;
  keyLabel: string;
  certificate: CertificateSummary;
  daemonStarted: boolean;
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
 * The setup itself. It loads openCryptoki into the calling process, so it runs in a child process of its own
 * (setupChild.ts): loading openCryptoki again, or from a worker thread, in a process that already had it (or
 * SoftHSM2) loaded segfaults (seen with pkcs11js 2.1.7 and openCryptoki 3.8.1).
 */
export async function setUpSoftToken(
  request: SoftTokenRequest,
  issuer: SignerIssuer,
): Promise<SoftTokenResult> {
  const daemonStarted = await ensurePkcsslotd();
  resetOpenCryptokiToken();
  const p11 = new pkcs11js.PKCS11();
  p11.load(OPENCRYPTOKI_MODULE_PATH);
  p11.C_Initialize();
  try {
    const slot = softTokenSlot(p11);
    p11.C_InitToken(slot, FACTORY_SO_PIN, request.label);
    const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      p11.C_Login(session, pkcs11js.CKU_SO, FACTORY_SO_PIN);
      p11.C_SetPIN(session, FACTORY_SO_PIN, request.puk);
      p11.C_InitPIN(session, request.pin);
      p11.C_Logout(session);
      p11.C_Login(session, pkcs11js.CKU_USER, request.pin);
      const objects = await ensureSignerObjects(p11, session, issuer, {
        keyType: 'rsa2048',
        tckn: request.tckn,
        name: request.name,
        ca: 'rsa',
      });
      p11.C_Logout(session);
      return {
        slotId: slotIdString(slot),
        tokenSerial: trimPadded(p11.C_GetTokenInfo(slot).serialNumber),
        ckaId: objects.ckaId.toString('hex'),
        keyLabel: objects.keyLabel,
        certificate: objects.certificate,
        daemonStarted,
      };
    } finally {
      p11.C_CloseSession(session);
    }
  } finally {
    p11.C_Finalize();
  }
}
