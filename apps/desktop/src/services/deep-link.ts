import { isValidVerificationCode, normaliseVerificationCode } from '@eimza/protocol';
import type { DeepLink } from '../shared/ipc.js';
import { DesktopError } from './errors.js';
import { normaliseOrigin, isSecureOrigin } from './origins.js';

export const DEEP_LINK_SCHEME = 'eimza:';

/**
 * Reads `eimza://sign?code=…&api=…`: the code as a person might paste it (spaces, dashes),
 * the API as an origin. Throws MALFORMED_CODE or ORIGIN_INVALID (INVALID_REQUEST for anything
 * that is not a sign link).
 */
export function parseDeepLink(input: string): DeepLink {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new DesktopError('INVALID_REQUEST', { detail: 'deep link is not a URL' });
  }
  // Non-special schemes put `sign` in the host (eimza://sign) or the path (eimza:sign).
  const action = url.hostname || url.pathname.replace(/^\/+|\/+$/g, '');
  if (url.protocol !== DEEP_LINK_SCHEME || action.toLowerCase() !== 'sign') {
    throw new DesktopError('INVALID_REQUEST', { detail: 'not an eimza://sign link' });
  }
  const code = normaliseVerificationCode(url.searchParams.get('code') ?? '');
  if (!isValidVerificationCode(code)) {
    throw new DesktopError('MALFORMED_CODE', { detail: 'deep link code' });
  }
  const api = url.searchParams.get('api');
  if (!api) throw new DesktopError('ORIGIN_INVALID', { detail: 'deep link without api' });
  const apiOrigin = normaliseOrigin(api);
  if (!isSecureOrigin(apiOrigin)) {
    throw new DesktopError('ORIGIN_INVALID', { detail: 'deep link to an insecure origin' });
  }
  return { code, apiOrigin };
}

/** The deep link among a process's arguments (Windows and Linux pass it as one), if any. */
export function findDeepLink(argv: readonly string[]): string | undefined {
  return argv.find((arg) => arg.toLowerCase().startsWith(DEEP_LINK_SCHEME));
}
