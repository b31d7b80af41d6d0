import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits; only its SHA-256 is stored. */
export function newBrowserToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashBrowserToken(token) };
}

export function hashBrowserToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented token against the stored hash. */
export function browserTokenMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashBrowserToken(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token from `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
