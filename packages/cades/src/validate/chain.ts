import { bytesEqual } from '../der/reader.js';
import {
  algorithmProblem,
  signatureParams,
  verifySignature,
  type AlgorithmPolicy,
} from './algorithms.js';
import { KeyUsage, hasKeyUsage, type Certificate } from './certificate.js';
import { publicKeyOf } from './keys.js';
import type { TrustStore } from './trust-store.js';

const MAX_DEPTH = 8;

/** Results of (issuer, CA child) signature checks by ids; end-entity results are not kept. */
const issuedByCache = new Map<string, Map<string, boolean>>();
let issuedByCount = 0;

/** Whether `child` carries a valid signature by `issuer`'s key with an allowed algorithm. */
export function isIssuedBy(
  child: Certificate,
  issuer: Certificate,
  policy: AlgorithmPolicy,
): boolean {
  if (!bytesEqual(child.issuer, issuer.subject)) return false;
  if (
    child.authorityKeyId &&
    issuer.subjectKeyId &&
    !bytesEqual(child.authorityKeyId, issuer.subjectKeyId)
  ) {
    return false;
  }
  const cacheable = child.basicConstraints?.cA === true;
  if (cacheable) {
    const hit = issuedByCache.get(issuer.id)?.get(child.id);
    if (hit !== undefined) return hit;
  }
  let ok: boolean;
  try {
    const params = signatureParams(child.signatureAlgorithm);
    ok =
      algorithmProblem(params, issuer.key, policy) === undefined &&
      verifySignature(params, publicKeyOf(issuer), child.tbs, child.signature);
  } catch {
    ok = false;
  }
  if (cacheable) {
    if (issuedByCount++ > 50_000) {
      issuedByCache.clear();
      issuedByCount = 1;
    }
    let children = issuedByCache.get(issuer.id);
    if (!children) issuedByCache.set(issuer.id, (children = new Map()));
    children.set(child.id, ok);
  }
  return ok;
}

export type ChainFailure =
  'NO_CERTIFICATE_CHAIN_FOUND' | 'EXPIRED' | 'NOT_YET_VALID' | 'CHAIN_CONSTRAINTS_FAILURE';

export type ChainResult =
  | { readonly ok: true; readonly chain: readonly Certificate[]; readonly detail: string }
  | {
      readonly ok: false;
      readonly failure: ChainFailure;
      readonly chain: readonly Certificate[];
      readonly detail: string;
    };

interface PathSearch {
  readonly pool: readonly Certificate[];
  readonly trust: TrustStore;
  readonly policy: AlgorithmPolicy;
  /** The path so far, leaf first; a certificate appears in it at most once. */
  readonly path: Certificate[];
}

function onPath(path: readonly Certificate[], cert: Certificate): boolean {
  for (const p of path) if (p === cert || bytesEqual(p.sha256, cert.sha256)) return true;
  return false;
}

function extend(s: PathSearch, cert: Certificate): boolean {
  if (s.trust.isAnchor(cert)) return true;
  if (s.path.length > MAX_DEPTH) return false;
  const candidates = [...s.trust.bySubjectName(cert.issuer)];
  for (const p of s.pool) if (bytesEqual(p.subject, cert.issuer)) candidates.push(p);
  if (candidates.length > 1) {
    candidates.sort((a, b) => Number(s.trust.isAnchor(b)) - Number(s.trust.isAnchor(a)));
  }
  for (const cand of candidates) {
    if (onPath(s.path, cand) || !isIssuedBy(cert, cand, s.policy)) continue;
    s.path.push(cand);
    if (extend(s, cand)) return true;
    s.path.pop();
  }
  return false;
}

/** Finds a path from `leaf` to an anchor (leaf first, anchor last), trying anchors first. */
export function buildPath(
  leaf: Certificate,
  pool: readonly Certificate[],
  trust: TrustStore,
  policy: AlgorithmPolicy,
): Certificate[] | undefined {
  const s: PathSearch = { pool, trust, policy, path: [leaf] };
  return extend(s, leaf) ? s.path : undefined;
}

function describe(cert: Certificate, index: number): string {
  return index === 0 ? 'signer certificate' : `CA certificate #${index} (serial ${cert.serialHex})`;
}

/** RFC 5280 style checks on a built path at time `at`. */
export function checkPath(path: readonly Certificate[], at: Date, trust: TrustStore): ChainResult {
  const t = at.getTime();
  for (let i = 0; i < path.length; i++) {
    const cert = path[i]!;
    if (t < cert.notBefore.getTime()) {
      return {
        ok: false,
        failure: 'NOT_YET_VALID',
        chain: path,
        detail: `${describe(cert, i)} is not valid before ${cert.notBefore.toISOString()}`,
      };
    }
    if (t > cert.notAfter.getTime()) {
      return {
        ok: false,
        failure: 'EXPIRED',
        chain: path,
        detail: `${describe(cert, i)} expired at ${cert.notAfter.toISOString()}`,
      };
    }
    if (cert.unknownCritical.length > 0 && !trust.isAnchor(cert)) {
      return {
        ok: false,
        failure: 'CHAIN_CONSTRAINTS_FAILURE',
        chain: path,
        detail: `${describe(cert, i)} has unsupported critical extension ${cert.unknownCritical.join(', ')}`,
      };
    }
    if (i === 0) continue;
    if (!cert.basicConstraints?.cA) {
      return {
        ok: false,
        failure: 'CHAIN_CONSTRAINTS_FAILURE',
        chain: path,
        detail: `${describe(cert, i)} is not a CA (basicConstraints)`,
      };
    }
    if (cert.keyUsage !== undefined && !hasKeyUsage(cert, KeyUsage.keyCertSign)) {
      return {
        ok: false,
        failure: 'CHAIN_CONSTRAINTS_FAILURE',
        chain: path,
        detail: `${describe(cert, i)} lacks keyCertSign`,
      };
    }
    // Intermediate CAs below this one (the leaf does not count; self-issued ones neither).
    let below = 0;
    for (let j = 1; j < i; j++) if (!bytesEqual(path[j]!.subject, path[j]!.issuer)) below++;
    const pathLen = cert.basicConstraints.pathLen;
    if (pathLen !== undefined && below > pathLen) {
      return {
        ok: false,
        failure: 'CHAIN_CONSTRAINTS_FAILURE',
        chain: path,
        detail: `${describe(cert, i)} pathLenConstraint ${pathLen} exceeded`,
      };
    }
  }
  return {
    ok: true,
    chain: path,
    detail: `chain of ${path.length} to a trust anchor, valid at ${at.toISOString()}`,
  };
}

export function validateChain(
  leaf: Certificate,
  pool: readonly Certificate[],
  trust: TrustStore,
  at: Date,
  policy: AlgorithmPolicy,
): ChainResult {
  return judgeChain(leaf, buildPath(leaf, pool, trust, policy), at, trust);
}

/** The chain verdict at `at` for a path found by buildPath (undefined: none was found). */
export function judgeChain(
  leaf: Certificate,
  path: readonly Certificate[] | undefined,
  at: Date,
  trust: TrustStore,
): ChainResult {
  if (!path) {
    return {
      ok: false,
      failure: 'NO_CERTIFICATE_CHAIN_FOUND',
      chain: [leaf],
      detail: 'no path to a configured trust anchor',
    };
  }
  return checkPath(path, at, trust);
}
