import { isClientError } from '@eimza/client';
import type { Rejection } from '@eimza/protocol';
import { isTokenError, type PinState, type TokenError } from '@eimza/token';
import type { DesktopErrorCode, IpcError, Language } from '../shared/ipc.js';
import { desktopMessage, type MessageParams } from './messages.js';

export interface DesktopErrorInit {
  pinState?: PinState;
  rejection?: Rejection;
  params?: MessageParams;
  /** PIN-free technical detail for the log. */
  detail?: string;
}

/** A failure the app reports by code; its message is localised when it crosses to the renderer. */
export class DesktopError extends Error {
  override readonly name = 'DesktopError';
  readonly code: DesktopErrorCode;
  readonly pinState?: PinState;
  readonly rejection?: Rejection;
  readonly params: MessageParams;
  readonly detail?: string;

  constructor(code: DesktopErrorCode, init: DesktopErrorInit = {}) {
    super(init.detail ? `${code}: ${init.detail}` : code);
    this.code = code;
    this.params = init.params ?? {};
    if (init.pinState) this.pinState = init.pinState;
    if (init.rejection) this.rejection = init.rejection;
    if (init.detail) this.detail = init.detail;
  }
}

function codeForTokenError(error: TokenError): DesktopErrorCode {
  switch (error.code) {
    case 'PIN_INCORRECT':
    case 'PIN_LOCKED':
    case 'PIN_LEN_RANGE':
    case 'PIN_INVALID':
    case 'MODULE_NOT_FOUND':
    case 'TOKEN_REMOVED':
    case 'TOKEN_NOT_PRESENT':
    case 'CANCELLED':
      return error.code;
    case 'SO_PIN_INCORRECT':
      return 'PUK_INCORRECT';
    case 'SO_PIN_LOCKED':
      return 'PUK_LOCKED';
    case 'SESSION_CLOSED':
      return 'TOKEN_REMOVED';
    case 'CERTIFICATE_NOT_FOUND':
      return 'TOKEN_NOT_PRESENT';
    default:
      return 'TOKEN_ERROR';
  }
}

/** A token-layer failure of a PIN/PUK operation as the app reports it (PIN-free: codes and flags). */
export function fromTokenError(error: TokenError): DesktopError {
  return new DesktopError(codeForTokenError(error), {
    ...(error.pinState ? { pinState: error.pinState } : {}),
    detail: error.detail?.ckr ?? error.code,
  });
}

/**
 * Any failure as the renderer sees it: a code, the message in `language`, and the PIN flags or
 * the server's rejection when there are any. Nothing else of the original error crosses.
 */
export function toIpcError(error: unknown, language: Language): IpcError {
  if (error instanceof DesktopError) {
    return {
      code: error.code,
      message: desktopMessage(error.code, language, error.params),
      ...(error.pinState ? { pinState: error.pinState } : {}),
      ...(error.rejection ? { rejection: error.rejection } : {}),
    };
  }
  if (isClientError(error)) {
    return {
      code: error.code,
      message: error.localised(language),
      ...(error.pinState ? { pinState: error.pinState } : {}),
      ...(error.rejection ? { rejection: error.rejection } : {}),
    };
  }
  if (isTokenError(error)) return toIpcError(fromTokenError(error), language);
  return { code: 'INTERNAL', message: desktopMessage('INTERNAL', language) };
}

/** What the log may keep of a failure: its code and PIN-free detail, never a message built from input. */
export function logFieldsOf(error: unknown): { code: string; detail?: string } {
  if (error instanceof DesktopError)
    return { code: error.code, ...(error.detail ? { detail: error.detail } : {}) };
  if (isClientError(error))
    return { code: error.code, ...(error.detail ? { detail: error.detail } : {}) };
  if (isTokenError(error))
    return { code: error.code, ...(error.detail?.ckr ? { detail: error.detail.ckr } : {}) };
  return { code: 'INTERNAL', detail: error instanceof Error ? error.name : typeof error };
}
