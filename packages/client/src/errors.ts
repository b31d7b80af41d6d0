import type { Rejection, Report } from '@eimza/protocol';
import type { PinState } from '@eimza/token';
import { MESSAGES, messageFor, type ClientErrorCode, type Language } from './messages.js';

export interface ClientErrorInit {
  /** The HTTP status, when the server answered. */
  status?: number;
  /** 429: the server's Retry-After, in seconds. */
  retryAfterSeconds?: number;
  /** 422: why the server refused the signatures, and its validation report. */
  rejection?: Rejection;
  report?: Report;
  /** The server's own `{ error: { code, message } }`, kept for support staff. */
  serverError?: { code: string; message: string };
  /** PIN_INCORRECT / PIN_LOCKED: the token's PIN flags (tries are low, final try, locked). */
  pinState?: PinState;
  /** PIN-free technical detail (a Node error code, a schema path), for logs and support. */
  detail?: string;
  cause?: unknown;
}

/**
 * A typed failure of the API client or the signing flow. The message is English; `messages`
 * holds Turkish and English, and UIs translate by `code`. Never carries a PIN.
 */
export class ClientError extends Error {
  override readonly name = 'ClientError';
  readonly code: ClientErrorCode;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  readonly rejection?: Rejection;
  readonly report?: Report;
  readonly serverError?: { code: string; message: string };
  readonly pinState?: PinState;
  readonly detail?: string;

  constructor(code: ClientErrorCode, init: ClientErrorInit = {}) {
    super(
      init.detail ? `${messageFor(code, 'en')} (${init.detail})` : messageFor(code, 'en'),
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.code = code;
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
    if (init.rejection) this.rejection = init.rejection;
    if (init.report) this.report = init.report;
    if (init.serverError) this.serverError = init.serverError;
    if (init.pinState) this.pinState = init.pinState;
    if (init.detail) this.detail = init.detail;
  }

  /** The user-facing text in `language` (the rejection's own message is appended for 422). */
  localised(language: Language): string {
    const base = MESSAGES[this.code][language];
    return this.rejection ? `${base} ${this.rejection.message}` : base;
  }
}

export function isClientError(value: unknown): value is ClientError {
  return value instanceof ClientError;
}
