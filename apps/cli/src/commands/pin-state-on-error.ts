import type { TokenService } from '@eimza/token';
import { CliError, toCliError } from '../errors.js';

const PIN_CODES = new Set(['PIN_INCORRECT', 'PIN_LOCKED', 'SO_PIN_INCORRECT', 'SO_PIN_LOCKED']);

/**
 * Runs a token operation that takes a PIN or PUK; when it fails on the secret, attaches the token's PIN flags
 * (read again if the error did not carry them) so the message can say how many tries are left.
 */
export async function withPinStateOnError<T>(
  service: TokenService,
  tokenSerial: string,
  operation: () => Promise<T>,
): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    const failure = toCliError(error);
    if (!PIN_CODES.has(failure.code) || failure.pinState) throw failure;
    const kind = failure.pinKind ?? 'user';
    const token = (await service.listTokens().catch(() => [])).find(
      (t) => t.serial === tokenSerial,
    );
    if (!token) throw failure;
    throw new CliError(failure.code, failure.params, {
      pinKind: kind,
      pinState: kind === 'so' ? token.soPin : token.userPin,
      detail: failure.detail,
    });
  }
}
