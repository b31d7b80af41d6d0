export type RevocationSource = 'ocsp' | 'crl';
export type RevocationStatus = 'good' | 'revoked' | 'unknown';

/** Whether an OCSP response must echo the request nonce: see RevocationOptions.ocspNonce. */
export type OcspNoncePolicy = 'require' | 'optional';

/** A usable answer from one source. */
export interface RevocationAnswer {
  readonly source: RevocationSource;
  readonly status: RevocationStatus;
  readonly producedAt?: Date;
  readonly revokedAt?: Date;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  readonly detail: string;
}

/** Either an answer or why none could be had from that source. */
export type SourceResult =
  | { readonly ok: true; readonly answer: RevocationAnswer }
  | { readonly ok: false; readonly detail: string };

export interface FreshnessPolicy {
  /** Tolerated clock difference with the responder, ms. */
  readonly skewMs: number;
  /** Maximum age of a response without nextUpdate, ms. */
  readonly maxAgeMs: number;
  readonly timeoutMs: number;
}

export const DEFAULT_FRESHNESS: FreshnessPolicy = {
  skewMs: 5 * 60_000,
  maxAgeMs: 60 * 60_000,
  timeoutMs: 5_000,
};

/** thisUpdate/nextUpdate against `now`; returns a problem or undefined. */
export function freshnessProblem(
  thisUpdate: Date,
  nextUpdate: Date | undefined,
  now: Date,
  p: FreshnessPolicy,
): string | undefined {
  const t = now.getTime();
  if (thisUpdate.getTime() > t + p.skewMs)
    return `thisUpdate ${thisUpdate.toISOString()} is in the future`;
  if (nextUpdate) {
    if (nextUpdate.getTime() < t - p.skewMs)
      return `stale: nextUpdate ${nextUpdate.toISOString()} has passed`;
  } else if (thisUpdate.getTime() < t - p.maxAgeMs)
    return `stale: thisUpdate ${thisUpdate.toISOString()} without nextUpdate`;
  return undefined;
}
