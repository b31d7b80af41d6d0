import type { OriginCheck } from '../shared/ipc.js';
import { DesktopError } from './errors.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * `scheme://host[:port]` of an http(s) address, lower-cased, default port dropped. A trailing
 * slash is tolerated; a path, query, fragment or user name is not (an API origin names a server,
 * nothing more). Throws ORIGIN_INVALID.
 */
export function normaliseOrigin(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new DesktopError('ORIGIN_INVALID', { detail: 'not a URL' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DesktopError('ORIGIN_INVALID', { detail: 'not http(s)' });
  }
  if (
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    (url.pathname !== '/' && url.pathname !== '')
  ) {
    throw new DesktopError('ORIGIN_INVALID', { detail: 'more than an origin' });
  }
  return url.origin;
}

/** https, or plain http to this computer's own loopback address (test and demo setups). */
export function isSecureOrigin(origin: string): boolean {
  const url = new URL(origin);
  return url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname);
}

/** Where `input` stands against the allow-list. Throws ORIGIN_INVALID for a malformed one. */
export function checkOrigin(input: string, allowedOrigins: readonly string[]): OriginCheck {
  const origin = normaliseOrigin(input);
  return {
    origin,
    allowed: allowedOrigins.includes(origin),
    secure: isSecureOrigin(origin),
  };
}

/**
 * The origin a signing flow may talk to: insecure non-loopback origins are refused outright
 * (ORIGIN_INVALID); one off the allow-list needs the user's confirmation (ORIGIN_NOT_ALLOWED
 * until the renderer retries with `confirmed`). A confirmed origin is not added to the list.
 */
export function originForSigning(
  input: string,
  allowedOrigins: readonly string[],
  confirmed: boolean,
): string {
  const check = checkOrigin(input, allowedOrigins);
  if (!check.secure) throw new DesktopError('ORIGIN_INVALID', { detail: 'insecure origin' });
  if (!check.allowed && !confirmed) {
    throw new DesktopError('ORIGIN_NOT_ALLOWED', { detail: check.origin });
  }
  return check.origin;
}
