import type { AlgorithmPolicy } from '../algorithms.js';
import type { Certificate } from '../certificate.js';
import { formatName } from '../name.js';
import type { TrustStore } from '../trust-store.js';
import {
  checkRevocation,
  defaultRevocationCache,
  type RevocationOptions,
  type RevocationOutcome,
} from './check.js';
import type { RevocationAnswer } from './types.js';

/** The revocation status of one certificate of a path, checked with its issuer. */
export interface LinkStatus {
  readonly label: string;
  /** 'unpublished': a CA certificate that names no OCSP responder and no CRL. */
  readonly outcome: RevocationOutcome | { readonly kind: 'unpublished' };
}

export type PathVerdict =
  | { readonly ok: true; readonly detail: string }
  | { readonly ok: false; readonly sub: 'REVOKED' | 'TRY_LATER'; readonly detail: string };

function labelOf(path: readonly Certificate[], i: number, leafLabel: string): string {
  return i === 0 ? leafLabel : `CA certificate "${formatName(path[i]!.subject)}"`;
}

/** Number of certificates of `path` (leaf first) below its trust anchor. */
function linkCount(path: readonly Certificate[], trust: TrustStore): number {
  let n = 0;
  while (n + 1 < path.length && !trust.isAnchor(path[n]!)) n++;
  return n;
}

const unpublished = (path: readonly Certificate[], i: number): boolean =>
  i > 0 && path[i]!.ocspUrls.length === 0 && path[i]!.crlUrls.length === 0;

/**
 * The links' statuses when the cache answers for all of them, else undefined. Lets a
 * validation with a warm cache skip the asynchronous path altogether.
 */
export function cachedPathRevocation(
  path: readonly Certificate[],
  trust: TrustStore,
  now: Date,
  opts: RevocationOptions,
  leafLabel: string,
): LinkStatus[] | undefined {
  const cache = opts.cache ?? defaultRevocationCache;
  const links: LinkStatus[] = [];
  for (let i = 0, n = linkCount(path, trust); i < n; i++) {
    if (unpublished(path, i)) {
      links.push({ label: labelOf(path, i, leafLabel), outcome: { kind: 'unpublished' } });
      continue;
    }
    const answer = cache.get(path[i + 1]!.id, path[i]!.serialHex, now);
    if (!answer) return undefined;
    links.push({
      label: labelOf(path, i, leafLabel),
      outcome: { kind: 'answer', answer, cached: true },
    });
  }
  return links;
}

/**
 * Checks every certificate of `path` (leaf first) below its trust anchor against its issuer,
 * all links at once. `leafLabel` names the first certificate in the details.
 */
export async function checkPathRevocation(
  path: readonly Certificate[],
  trust: TrustStore,
  now: Date,
  opts: RevocationOptions,
  policy: AlgorithmPolicy,
  leafLabel: string,
): Promise<LinkStatus[]> {
  const links: Promise<LinkStatus>[] = [];
  for (let i = 0, n = linkCount(path, trust); i < n; i++) {
    const label = labelOf(path, i, leafLabel);
    if (unpublished(path, i)) {
      links.push(Promise.resolve({ label, outcome: { kind: 'unpublished' } }));
      continue;
    }
    links.push(
      checkRevocation(path[i]!, path[i + 1]!, now, opts, policy).then((outcome) => ({
        label,
        outcome,
      })),
    );
  }
  return Promise.all(links);
}

/** The leaf's answer, for the report. */
export function leafAnswer(links: readonly LinkStatus[]): RevocationAnswer | undefined {
  const first = links[0]?.outcome;
  return first?.kind === 'answer' ? first.answer : undefined;
}

/**
 * Judges the links: any revocation → REVOKED, unless it came after `provenAt` (a valid
 * time-stamp's genTime proves the signature existed before it); no usable answer → TRY_LATER,
 * or a note when `softFail`; 'unknown' → TRY_LATER. A CA certificate that publishes no
 * revocation service passes with a note (nothing could ever be asked about it).
 */
export function judgePath(
  links: readonly LinkStatus[],
  softFail: boolean,
  provenAt?: Date,
): PathVerdict {
  const notes: string[] = [];
  const revoked: string[] = [];
  const unavailable: string[] = [];
  for (const { label, outcome } of links) {
    if (outcome.kind === 'unpublished') {
      notes.push(`${label}: publishes no OCSP responder or CRL`);
      continue;
    }
    if (outcome.kind === 'unavailable') {
      if (softFail)
        notes.push(`${label}: no revocation information (soft-fail): ${outcome.detail}`);
      else unavailable.push(`${label}: no revocation information: ${outcome.detail}`);
      continue;
    }
    const a = outcome.answer;
    const cached = outcome.cached ? ' (cached)' : '';
    // 'unknown' is an answer (the issuer does not know the certificate), not an outage.
    if (a.status === 'unknown') unavailable.push(`${label}: status unknown (${a.source})`);
    else if (a.status === 'revoked') {
      const at = a.revokedAt?.toISOString() ?? 'an unknown time';
      if (provenAt && a.revokedAt && a.revokedAt.getTime() > provenAt.getTime()) {
        notes.push(
          `${label}: revoked at ${at} (${a.source}), after the time-stamp's genTime ${provenAt.toISOString()}: the signature existed before the revocation`,
        );
      } else revoked.push(`${label}: revoked at ${at} (${a.source})${cached}`);
    } else notes.push(`${label}: ${a.detail}${cached}`);
  }
  if (revoked.length > 0) return { ok: false, sub: 'REVOKED', detail: revoked.join('; ') };
  if (unavailable.length > 0)
    return { ok: false, sub: 'TRY_LATER', detail: unavailable.join('; ') };
  return { ok: true, detail: notes.join('; ') };
}
