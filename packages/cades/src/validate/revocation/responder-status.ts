import type { AlgorithmPolicy } from '../algorithms.js';
import type { Certificate } from '../certificate.js';
import type { RevocationCache } from './cache.js';
import { checkCrl } from './crl.js';
import type { FreshnessPolicy } from './types.js';

export type ResponderStatus =
  { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly detail: string };

/**
 * RFC 6960 4.2.2.2.1: a delegated responder certificate without id-pkix-ocsp-nocheck is checked
 * against its issuer's CRL (its CDP), through the same cache as every other CRL. A revoked
 * responder, or one whose status cannot be had, makes its answers untrusted.
 */
export async function delegatedResponderStatus(
  responder: Certificate,
  issuer: Certificate,
  now: Date,
  fresh: FreshnessPolicy,
  policy: AlgorithmPolicy,
  cache: RevocationCache,
): Promise<ResponderStatus> {
  const crl = await checkCrl(responder, issuer, now, fresh, policy, cache);
  if (!crl.ok) return { ok: false, detail: `OCSP responder revocation unknown: ${crl.detail}` };
  if (crl.answer.status === 'revoked') {
    const at = crl.answer.revokedAt?.toISOString() ?? 'an unknown time';
    return {
      ok: false,
      detail: `OCSP responder certificate revoked at ${at} (${crl.answer.detail})`,
    };
  }
  return { ok: true, detail: `responder certificate not revoked (${crl.answer.detail})` };
}
