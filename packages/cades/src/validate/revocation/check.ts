import type { AlgorithmPolicy } from '../algorithms.js';
import type { Certificate } from '../certificate.js';
import { RevocationCache } from './cache.js';
import { checkCrl } from './crl.js';
import { checkOcsp } from './ocsp.js';
import {
  DEFAULT_FRESHNESS,
  type FreshnessPolicy,
  type OcspNoncePolicy,
  type RevocationAnswer,
} from './types.js';

export type RevocationMode = 'require' | 'soft-fail' | 'off';

export interface RevocationOptions {
  /** require (default): no answer → INDETERMINATE/TRY_LATER; soft-fail: no answer passes; off: not checked. */
  readonly mode: RevocationMode;
  readonly cache?: RevocationCache;
  readonly freshness?: Partial<FreshnessPolicy>;
  /**
   * Every OCSP request carries a fresh nonce. 'require' (default): the response must echo it,
   * else it is not used (replay protection). 'optional': a response without a nonce is
   * accepted (responders that serve pre-signed answers); a wrong nonce is refused either way.
   */
  readonly ocspNonce?: OcspNoncePolicy;
}

export type RevocationOutcome =
  | { readonly kind: 'answer'; readonly answer: RevocationAnswer; readonly cached: boolean }
  | { readonly kind: 'unavailable'; readonly detail: string };

export const defaultRevocationCache = new RevocationCache();

/** OCSP first, CRL as fallback; a usable answer (good or revoked) is cached until nextUpdate. */
export async function checkRevocation(
  cert: Certificate,
  issuer: Certificate,
  now: Date,
  opts: RevocationOptions,
  policy: AlgorithmPolicy,
): Promise<RevocationOutcome> {
  const cache = opts.cache ?? defaultRevocationCache;
  const hit = cache.get(issuer.id, cert.serialHex, now);
  if (hit) return { kind: 'answer', answer: hit, cached: true };
  const fresh = { ...DEFAULT_FRESHNESS, ...opts.freshness };
  const problems: string[] = [];
  const ocsp = await checkOcsp(
    cert,
    issuer,
    now,
    fresh,
    policy,
    opts.ocspNonce ?? 'require',
    cache,
  );
  if (ocsp.ok && ocsp.answer.status !== 'unknown') {
    cache.set(issuer.id, cert.serialHex, ocsp.answer);
    return { kind: 'answer', answer: ocsp.answer, cached: false };
  }
  problems.push(ocsp.ok ? ocsp.answer.detail : ocsp.detail);
  const crl = await checkCrl(cert, issuer, now, fresh, policy, cache);
  if (crl.ok) {
    // Say why OCSP was not used: a refused OCSP answer (e.g. no nonce) must not go unnoticed.
    const answer = { ...crl.answer, detail: `${crl.answer.detail} (OCSP: ${problems[0]})` };
    cache.set(issuer.id, cert.serialHex, answer);
    return { kind: 'answer', answer, cached: false };
  }
  problems.push(crl.detail);
  return { kind: 'unavailable', detail: problems.join('; ') };
}
