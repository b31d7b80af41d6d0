import pkcs11js from 'pkcs11js';
import { SOFTHSM_MODULE_PATH, writeSoftHsmConf } from './conf.js';
import type { SignerIssuer } from './issuer.js';
import { withSoftHsm } from './module.js';
import {
  slotIdString,
  trimPadded,
  type CertificateSummary,
  type Pkcs11,
  type SignerKeyType,
} from './pkcs11Objects.js';
import { ensureSignerObjects, type SignerSpec } from './signerObjects.js';
import { assertSoftHsmInstalled, initSoftHsmToken } from './softhsmUtil.js';

export interface SoftHsmTokenSpec extends SignerSpec {
  /** Token label (at most 32 bytes), e.g. "EIMZA-RSA". */
  label: string;
}

export interface ProvisionSoftHsmOptions {
  /** The SoftHSM2 folder: `softhsm2.conf` and `tokens/` are written here. */
  dir: string;
  pki: SignerIssuer;
  /** User PIN of every token. */
  pin: string;
  /** SO PIN of every token: the PUK that unlocks the user PIN. */
  puk: string;
  tokens: SoftHsmTokenSpec[];
}

export interface ProvisionedSoftHsmToken {
  label: string;
  /** Decimal slot id (SoftHSM2 derives it from the token serial, so it is stable across runs). */
  slotId: string;
  /** The token's serial number (CK_TOKEN_INFO.serialNumber). */
  tokenSerial: string;
  keyType: SignerKeyType;
  /** CKA_ID of key pair and certificate, lower-case hex. */
  ckaId: string;
  /** CKA_LABEL of key pair and certificate. */
  keyLabel: string;
  tckn: string;
  name: string;
  certificate: CertificateSummary;
  /** False when the token already had its key and certificate and was left alone. */
  created: boolean;
}

export interface ProvisionSoftHsmResult {
  dir: string;
  confPath: string;
  modulePath: string;
  /** What a process needs in its environment to see these tokens. */
  env: { SOFTHSM2_CONF: string };
  tokens: ProvisionedSoftHsmToken[];
}

const LABEL_BYTES = 32;

function labelledSlots(p11: Pkcs11): Map<string, Buffer> {
  const slots = new Map<string, Buffer>();
  for (const slot of p11.C_GetSlotList(true)) {
    const info = p11.C_GetTokenInfo(slot);
    if (info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) slots.set(trimPadded(info.label), slot);
  }
  return slots;
}

function login(p11: Pkcs11, session: Buffer, label: string, pin: string): void {
  try {
    p11.C_Login(session, pkcs11js.CKU_USER, pin);
  } catch (error) {
    const ckr = (error as Error).message;
    throw new Error(
      `Token "${label}" refused the user PIN (${ckr}): reset the tokens to make them again.`,
      {
        cause: error,
      },
    );
  }
}

function validate(options: ProvisionSoftHsmOptions): void {
  const labels = new Set<string>();
  for (const token of options.tokens) {
    if (!token.label || Buffer.byteLength(token.label) > LABEL_BYTES) {
      throw new Error(`Token label "${token.label}" must be 1 to ${LABEL_BYTES} bytes long.`);
    }
    if (labels.has(token.label))
      throw new Error(`Token label "${token.label}" is requested twice.`);
    labels.add(token.label);
  }
  if (options.pin.length < 4 || options.puk.length < 4)
    throw new Error('The PIN and the PUK need at least 4 characters.');
}

/**
 * Creates SoftHSM2 tokens that look like a CA-issued smart card: a key pair generated on the token (private half
 * sensitive, never extractable) and the test PKI's certificate for it, all three objects under one CKA_ID and label.
 * Idempotent: a token that already carries its key and certificate is left as it is.
 */
export async function provisionSoftHsmTokens(
  options: ProvisionSoftHsmOptions,
): Promise<ProvisionSoftHsmResult> {
  assertSoftHsmInstalled();
  validate(options);
  const { confPath } = writeSoftHsmConf(options.dir);

  // A token initialised by softhsm2-util only shows in a module initialised afterwards, so: look, init, look again.
  const existing = await withSoftHsm(confPath, (p11) => new Set(labelledSlots(p11).keys()));
  for (const token of options.tokens) {
    if (!existing.has(token.label))
      await initSoftHsmToken(confPath, token.label, options.pin, options.puk);
  }

  const tokens = await withSoftHsm(confPath, async (p11) => {
    const slots = labelledSlots(p11);
    const made: ProvisionedSoftHsmToken[] = [];
    for (const token of options.tokens) {
      const slot = slots.get(token.label);
      if (!slot)
        throw new Error(`SoftHSM2 does not show the token "${token.label}" after initialising it.`);
      const session = p11.C_OpenSession(
        slot,
        pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION,
      );
      try {
        login(p11, session, token.label, options.pin);
        const objects = await ensureSignerObjects(p11, session, options.pki, token);
        made.push({
          label: token.label,
          slotId: slotIdString(slot),
          tokenSerial: trimPadded(p11.C_GetTokenInfo(slot).serialNumber),
          keyType: objects.keyType,
          ckaId: objects.ckaId.toString('hex'),
          keyLabel: objects.keyLabel,
          tckn: token.tckn,
          name: token.name,
          certificate: objects.certificate,
          created: objects.created,
        });
      } finally {
        p11.C_CloseSession(session);
      }
    }
    return made;
  });
  return {
    dir: options.dir,
    confPath,
    modulePath: SOFTHSM_MODULE_PATH,
    env: { SOFTHSM2_CONF: confPath },
    tokens,
  };
}
