import { Value } from '@sinclair/typebox/value';
import { ErrorBody, SignaturesRejected } from '@eimza/protocol';
import { ClientError } from './errors.js';

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

function isTlsCode(code: string): boolean {
  return (
    TLS_CODES.has(code) ||
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    code.startsWith('CERT_') ||
    code.startsWith('UNABLE_TO_')
  );
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** A failure without an HTTP answer: cancelled, timed out, TLS refused, or no connection. */
export function classifyTransportError(error: unknown, signal?: AbortSignal): ClientError {
  const code = codeOf(error);
  // Axios wraps the socket's error; the TLS reason is on the cause.
  const causeCode = codeOf((error as { cause?: unknown } | undefined)?.cause);
  const detail = causeCode ?? code;
  const init = { cause: error, ...(detail ? { detail } : {}) };
  if (signal?.aborted || code === 'ERR_CANCELED') return new ClientError('CANCELLED', init);
  if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') return new ClientError('TIMEOUT', init);
  if ((code && isTlsCode(code)) || (causeCode && isTlsCode(causeCode))) {
    return new ClientError('TLS', init);
  }
  if (code === 'ERR_BAD_RESPONSE') return new ClientError('PROTOCOL_ERROR', init);
  return new ClientError('NETWORK', init);
}

/** Retry-After is delta-seconds or an HTTP date; a date is measured against the server's own Date. */
export function parseRetryAfter(value: unknown, serverDate: unknown): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const until = Date.parse(value);
  const now = typeof serverDate === 'string' ? Date.parse(serverDate) : NaN;
  if (Number.isNaN(until) || Number.isNaN(now)) return undefined;
  return Math.max(0, Math.ceil((until - now) / 1000));
}

export interface HttpAnswer {
  status: number;
  body: unknown;
  headers: Record<string, unknown>;
}

/** What servers have called a malformed verification code in their error body. */
const MALFORMED_CODE_ERRORS = new Set(['MALFORMED_CODE', 'INVALID_CODE']);

/**
 * The typed error of a non-success answer, per the status table of protocol.md.
 * `codeOnly`: the request carried nothing but the code, so any 400 means a malformed code.
 */
export function classifyStatus(answer: HttpAnswer, codeOnly = false): ClientError {
  const { status, body } = answer;
  const serverError = Value.Check(ErrorBody, body) ? body.error : undefined;
  const init = { status, ...(serverError ? { serverError, detail: serverError.code } : {}) };
  switch (status) {
    case 400:
      return new ClientError(
        codeOnly || MALFORMED_CODE_ERRORS.has(serverError?.code ?? '')
          ? 'MALFORMED_CODE'
          : 'BAD_REQUEST',
        init,
      );
    case 401:
    case 403:
      return new ClientError('UNAUTHORIZED', init);
    case 404:
      return new ClientError('UNKNOWN_CODE', init);
    case 409:
      return new ClientError('ALREADY_USED', init);
    case 410:
      return new ClientError('EXPIRED', init);
    case 413:
      return new ClientError('TOO_LARGE', init);
    case 422:
      if (Value.Check(SignaturesRejected, body)) {
        return new ClientError('REJECTED', {
          status,
          rejection: body.rejection,
          report: body.report,
          detail: body.rejection.code,
        });
      }
      return new ClientError('PROTOCOL_ERROR', { ...init, detail: '422 without a rejection' });
    case 429: {
      const retryAfterSeconds = parseRetryAfter(
        answer.headers['retry-after'],
        answer.headers['date'],
      );
      return new ClientError('RATE_LIMITED', {
        ...init,
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      });
    }
    default:
      if (status >= 500) return new ClientError('SERVER_ERROR', init);
      return new ClientError('PROTOCOL_ERROR', { ...init, detail: `unexpected status ${status}` });
  }
}
