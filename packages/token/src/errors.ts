import type { PinState, TokenErrorCode } from './types.js';

const MESSAGES: Record<TokenErrorCode, string> = {
  PIN_INCORRECT: 'The PIN is incorrect',
  PIN_LOCKED: 'The PIN is locked; unlock it with the PUK',
  PIN_LEN_RANGE: 'The PIN length is outside what the token accepts',
  PIN_INVALID: 'The PIN contains characters the token does not accept',
  PIN_EXPIRED: 'The PIN has expired and must be changed',
  SO_PIN_INCORRECT: 'The PUK is incorrect',
  SO_PIN_LOCKED: 'The PUK is locked',
  TOKEN_NOT_PRESENT: 'The token is not present',
  TOKEN_REMOVED: 'The token was removed',
  TOKEN_WRITE_PROTECTED: 'The token is write-protected',
  MODULE_NOT_FOUND: 'No PKCS#11 module could be loaded',
  CERTIFICATE_NOT_FOUND: 'The certificate was not found on any present token',
  KEY_NOT_FOUND: 'The private key for the certificate was not found on the token',
  MECHANISM_UNSUPPORTED: 'The token does not support this signature mechanism',
  INVALID_ARGUMENT: 'Invalid argument',
  CANCELLED: 'The operation was cancelled on the token',
  SESSION_CLOSED: 'The signing session is closed',
  DEVICE_ERROR: 'The token or its driver reported an error',
};

export interface TokenErrorDetail {
  /** The PKCS#11 return value name (e.g. CKR_PIN_INCORRECT), for support staff; never the message. */
  ckr?: string;
  /** The PKCS#11 function that failed (e.g. C_Login). */
  fn?: string;
  /** Extra PIN-free context (e.g. which argument was wrong). */
  reason?: string;
}

export interface TokenErrorInit {
  pinState?: PinState;
  tokenSerial?: string;
  detail?: TokenErrorDetail;
}

/** A typed token failure. Carries no PIN, PUK or raw native error: only the code and PIN-free details. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  readonly code: TokenErrorCode;
  readonly pinState?: PinState;
  readonly tokenSerial?: string;
  readonly detail?: TokenErrorDetail;

  constructor(code: TokenErrorCode, init: TokenErrorInit = {}) {
    const reason = init.detail?.reason;
    super(reason ? `${MESSAGES[code]}: ${reason}` : MESSAGES[code]);
    this.code = code;
    if (init.pinState) this.pinState = init.pinState;
    if (init.tokenSerial) this.tokenSerial = init.tokenSerial;
    if (init.detail) this.detail = init.detail;
  }

  /** A plain, cloneable form for crossing the worker boundary. */
  toJSON(): SerializedTokenError {
    return {
      name: 'TokenError',
      code: this.code,
      message: this.message,
      pinState: this.pinState,
      tokenSerial: this.tokenSerial,
      detail: this.detail,
    };
  }

  static fromJSON(value: SerializedTokenError): TokenError {
    const error = new TokenError(value.code, {
      pinState: value.pinState,
      tokenSerial: value.tokenSerial,
      detail: value.detail,
    });
    return error;
  }
}

export interface SerializedTokenError {
  name: 'TokenError';
  code: TokenErrorCode;
  message: string;
  pinState?: PinState;
  tokenSerial?: string;
  detail?: TokenErrorDetail;
}

export function isTokenError(value: unknown): value is TokenError {
  return value instanceof TokenError;
}
