import pkcs11js from 'pkcs11js';
import type { PinState, TokenInfo } from '../types.js';
import type { LoadedModule } from './module.js';

const CKF_USER_PIN_COUNT_LOW = 0x10000;
const CKF_USER_PIN_FINAL_TRY = 0x20000;
const CKF_USER_PIN_LOCKED = 0x40000;
const CKF_USER_PIN_TO_BE_CHANGED = 0x80000;
const SO_SHIFT = 4;
/** Not in pkcs11js's typings, but part of CK_SLOT_INFO since PKCS#11 2.01. */
const CKF_TOKEN_PRESENT = 0x1;

export function pinStateFromFlags(flags: number, role: 'user' | 'so'): PinState {
  const shift = role === 'so' ? SO_SHIFT : 0;
  const has = (bit: number) => (flags & (bit << shift)) !== 0;
  return {
    initialized:
      role === 'so'
        ? (flags & pkcs11js.CKF_TOKEN_INITIALIZED) !== 0
        : (flags & pkcs11js.CKF_USER_PIN_INITIALIZED) !== 0,
    countLow: has(CKF_USER_PIN_COUNT_LOW),
    finalTry: has(CKF_USER_PIN_FINAL_TRY),
    locked: has(CKF_USER_PIN_LOCKED),
    toBeChanged: has(CKF_USER_PIN_TO_BE_CHANGED),
  };
}

/** Slot handles are CK_ULONGs in native byte order (little-endian on every platform we ship to). */
export function slotIdString(slot: Buffer): string {
  let value = 0n;
  for (let i = slot.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(slot[i] ?? 0);
  return value.toString();
}

/** The token in `slot`, or undefined when none is there (or it vanished: SoftHSM then answers CKR_GENERAL_ERROR). */
export function readTokenInfo(module: LoadedModule, slot: Buffer): TokenInfo | undefined {
  let token: pkcs11js.TokenInfo;
  let slotInfo: pkcs11js.SlotInfo;
  try {
    slotInfo = module.api.C_GetSlotInfo(slot);
    if ((slotInfo.flags & CKF_TOKEN_PRESENT) === 0) return undefined;
    token = module.api.C_GetTokenInfo(slot);
  } catch {
    return undefined;
  }
  // An uninitialised token (SoftHSM's spare slot, a blank card) holds nothing to sign with.
  if ((token.flags & pkcs11js.CKF_TOKEN_INITIALIZED) === 0) return undefined;
  return {
    moduleName: module.name,
    modulePath: module.path,
    slotId: slotIdString(slot),
    slotDescription: padded(slotInfo.slotDescription),
    label: padded(token.label),
    serial: padded(token.serialNumber),
    manufacturer: padded(token.manufacturerID),
    model: padded(token.model),
    pinPad: (token.flags & pkcs11js.CKF_PROTECTED_AUTHENTICATION_PATH) !== 0,
    loginRequired: (token.flags & pkcs11js.CKF_LOGIN_REQUIRED) !== 0,
    userPin: pinStateFromFlags(token.flags, 'user'),
    soPin: pinStateFromFlags(token.flags, 'so'),
    minPinLength: token.minPinLen,
    maxPinLength: token.maxPinLen,
  };
}

/** CK_UTF8CHAR fields are blank-padded by the standard; openCryptoki pads with NULs too. */
export function padded(value: string): string {
  const end = value.indexOf('\0');
  return (end === -1 ? value : value.slice(0, end)).trim();
}
