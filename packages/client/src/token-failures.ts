import { isCadesSignError } from '@eimza/cades';
import { isTokenError, type TokenError } from '@eimza/token';
import { ClientError, isClientError } from './errors.js';
import type { ClientErrorCode } from './messages.js';

function tokenErrorOf(error: unknown): TokenError | undefined {
  if (isTokenError(error)) return error;
  // signCades wraps the signer's failure as SIGNER_FAILED, keeping the TokenError as cause.
  if (isCadesSignError(error) && isTokenError(error.cause)) return error.cause;
  return undefined;
}

function codeForToken(error: TokenError): ClientErrorCode {
  switch (error.code) {
    case 'PIN_INCORRECT':
    case 'PIN_LEN_RANGE':
    case 'PIN_INVALID':
      return 'PIN_INCORRECT';
    case 'PIN_LOCKED':
      return 'PIN_LOCKED';
    case 'TOKEN_REMOVED':
    case 'SESSION_CLOSED':
      return 'TOKEN_REMOVED';
    case 'TOKEN_NOT_PRESENT':
    case 'CERTIFICATE_NOT_FOUND':
    case 'MODULE_NOT_FOUND':
      return 'TOKEN_NOT_PRESENT';
    case 'CANCELLED':
      return 'CANCELLED';
    default:
      return 'TOKEN_ERROR';
  }
}

/** A token or CAdES failure as the flow reports it; PIN-free by construction (codes only). */
export function fromSigningFailure(error: unknown): ClientError {
  if (isClientError(error)) return error;
  const tokenError = tokenErrorOf(error);
  if (tokenError) {
    // The wrong PIN that locks the card is reported as incorrect with the locked flag set.
    const code = tokenError.pinState?.locked ? 'PIN_LOCKED' : codeForToken(tokenError);
    return new ClientError(code, {
      detail: tokenError.code,
      ...(tokenError.pinState ? { pinState: tokenError.pinState } : {}),
    });
  }
  if (isCadesSignError(error)) return new ClientError('SIGNING_FAILED', { detail: error.code });
  return new ClientError('SIGNING_FAILED', {
    detail: error instanceof Error ? error.name : 'unknown failure',
  });
}
