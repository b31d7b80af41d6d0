import { TokenError } from '../errors.js';
import type { PinState, TokenErrorCode } from '../types.js';

/** Who was authenticating when the call failed: decides between PIN_* and SO_PIN_* codes. */
export type Role = 'user' | 'so' | 'none';

export interface ErrorContext {
  role?: Role;
  fn?: string;
  tokenSerial?: string;
  pinState?: PinState;
  /** The call ran in an open session: a vanished token is TOKEN_REMOVED rather than TOKEN_NOT_PRESENT. */
  inSession?: boolean;
}

/** CKR names that mean the token (or its reader) went away. */
export const GONE = new Set([
  'CKR_TOKEN_NOT_PRESENT',
  'CKR_DEVICE_REMOVED',
  'CKR_TOKEN_NOT_RECOGNIZED',
  'CKR_SLOT_ID_INVALID',
  'CKR_SESSION_HANDLE_INVALID',
  'CKR_SESSION_CLOSED',
]);

const DIRECT: Record<string, TokenErrorCode> = {
  CKR_PIN_LEN_RANGE: 'PIN_LEN_RANGE',
  CKR_PIN_INVALID: 'PIN_INVALID',
  CKR_PIN_EXPIRED: 'PIN_EXPIRED',
  CKR_FUNCTION_CANCELED: 'CANCELLED',
  CKR_MECHANISM_INVALID: 'MECHANISM_UNSUPPORTED',
  CKR_MECHANISM_PARAM_INVALID: 'MECHANISM_UNSUPPORTED',
  CKR_KEY_TYPE_INCONSISTENT: 'MECHANISM_UNSUPPORTED',
  CKR_KEY_FUNCTION_NOT_PERMITTED: 'MECHANISM_UNSUPPORTED',
  CKR_DATA_LEN_RANGE: 'INVALID_ARGUMENT',
  CKR_TOKEN_WRITE_PROTECTED: 'TOKEN_WRITE_PROTECTED',
  CKR_USER_NOT_LOGGED_IN: 'SESSION_CLOSED',
  CKR_KEY_HANDLE_INVALID: 'KEY_NOT_FOUND',
};

/** The CKR name of a pkcs11js error (its message is exactly the name, e.g. `CKR_PIN_INCORRECT`). */
export function ckrName(error: unknown): string | undefined {
  if (
    error &&
    typeof error === 'object' &&
    'message' in error &&
    typeof error.message === 'string'
  ) {
    const match = /^(CKR_[A-Z0-9_]+)/.exec(error.message);
    if (match) return match[1];
  }
  return undefined;
}

/** Maps a native failure to a TokenError. Only the CKR name and function survive; the native message does not. */
export function toTokenError(error: unknown, context: ErrorContext = {}): TokenError {
  if (error instanceof TokenError) return error;
  const ckr = ckrName(error);
  const init = {
    ...(context.pinState ? { pinState: context.pinState } : {}),
    ...(context.tokenSerial ? { tokenSerial: context.tokenSerial } : {}),
    detail: {
      ...(ckr ? { ckr } : { reason: 'native error' }),
      ...(context.fn ? { fn: context.fn } : {}),
    },
  };
  return new TokenError(codeFor(ckr, context), init);
}

function codeFor(ckr: string | undefined, context: ErrorContext): TokenErrorCode {
  if (!ckr) return 'DEVICE_ERROR';
  const so = context.role === 'so';
  if (ckr === 'CKR_PIN_INCORRECT') return so ? 'SO_PIN_INCORRECT' : 'PIN_INCORRECT';
  if (ckr === 'CKR_PIN_LOCKED') return so ? 'SO_PIN_LOCKED' : 'PIN_LOCKED';
  if (GONE.has(ckr)) return context.inSession ? 'TOKEN_REMOVED' : 'TOKEN_NOT_PRESENT';
  return DIRECT[ckr] ?? 'DEVICE_ERROR';
}
