import {
  Cursor,
  Tag,
  bytesEqual,
  children,
  ctx,
  decodeTime,
  readSingle,
  serialHex,
} from '../../der/reader.js';
import {
  algorithmProblem,
  readAlgorithm,
  signatureParams,
  verifySignature,
  type AlgorithmPolicy,
} from '../algorithms.js';
import { KeyUsage, hasKeyUsage, type Certificate } from '../certificate.js';
import { publicKeyOf } from '../keys.js';
import type { RevocationCache } from './cache.js';
import { fetchBytes } from './http.js';
import { freshnessProblem, type FreshnessPolicy, type SourceResult } from './types.js';

export interface Crl {
  readonly issuer: Uint8Array;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  readonly revoked: ReadonlyMap<string, Date>;
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: ReturnType<typeof readAlgorithm>;
  readonly signature: Uint8Array;
}

export function parseCrl(input: Uint8Array): Crl {
  let der = input;
  const text = Buffer.from(input.subarray(0, 32)).toString('latin1');
  if (text.startsWith('-----BEGIN')) {
    const b64 = Buffer.from(input)
      .toString('latin1')
      .replace(/-----[^-]+-----/g, '')
      .replace(/\s+/g, '');
    der = new Uint8Array(Buffer.from(b64, 'base64'));
  }
  const top = new Cursor(readSingle(der, Tag.SEQUENCE));
  const tbsTlv = top.next(Tag.SEQUENCE);
  const signatureAlgorithm = readAlgorithm(top.next(Tag.SEQUENCE));
  const sig = top.next(Tag.BIT_STRING);
  top.end();
  const c = new Cursor(tbsTlv);
  c.optional(Tag.INTEGER);
  c.next(Tag.SEQUENCE);
  const issuer = c.next(Tag.SEQUENCE).der;
  const thisUpdate = decodeTime(c.next());
  const nt = c.peekTag();
  const nextUpdate =
    nt === Tag.UTC_TIME || nt === Tag.GENERALIZED_TIME ? decodeTime(c.next()) : undefined;
  const revoked = new Map<string, Date>();
  const list = c.optional(Tag.SEQUENCE);
  if (list) {
    for (const entry of children(list)) {
      const e = new Cursor(entry, Tag.SEQUENCE);
      const serial = e.next(Tag.INTEGER).value;
      revoked.set(serialHex(serial), decodeTime(e.next()));
    }
  }
  c.optional(ctx(0));
  c.end();
  return {
    issuer,
    thisUpdate,
    ...(nextUpdate ? { nextUpdate } : {}),
    revoked,
    tbs: tbsTlv.der,
    signatureAlgorithm,
    signature: sig.value.subarray(1),
  };
}

function crlProblem(crl: Crl, issuer: Certificate, policy: AlgorithmPolicy): string | undefined {
  if (!bytesEqual(crl.issuer, issuer.subject))
    return 'CRL issuer does not match the certificate issuer';
  if (issuer.keyUsage !== undefined && !hasKeyUsage(issuer, KeyUsage.cRLSign))
    return 'CRL issuer lacks cRLSign';
  const params = signatureParams(crl.signatureAlgorithm);
  const weak = algorithmProblem(params, issuer.key, policy);
  if (weak) return `CRL signature: ${weak}`;
  if (!verifySignature(params, publicKeyOf(issuer), crl.tbs, crl.signature))
    return 'CRL signature invalid';
  return undefined;
}

/** Fetches (or reuses, until nextUpdate) the CRLs named in the certificate's CDP. */
export async function checkCrl(
  cert: Certificate,
  issuer: Certificate,
  now: Date,
  fresh: FreshnessPolicy,
  policy: AlgorithmPolicy,
  cache: RevocationCache,
): Promise<SourceResult> {
  if (cert.crlUrls.length === 0)
    return { ok: false, detail: 'no CRL distribution point in the certificate' };
  const problems: string[] = [];
  for (const url of cert.crlUrls) {
    try {
      let crl = cache.getCrl<Crl>(`${issuer.id}|${url}`, now);
      if (!crl) {
        const fetched = parseCrl(await fetchBytes(url, fresh.timeoutMs));
        const bad = crlProblem(fetched, issuer, policy);
        if (bad) {
          problems.push(bad);
          continue;
        }
        crl = fetched;
      }
      const stale = freshnessProblem(crl.thisUpdate, crl.nextUpdate, now, fresh);
      if (stale) {
        problems.push(`CRL ${stale}`);
        continue;
      }
      cache.setCrl(
        `${issuer.id}|${url}`,
        crl.nextUpdate ?? new Date(crl.thisUpdate.getTime() + fresh.maxAgeMs),
        crl,
      );
      const revokedAt = crl.revoked.get(cert.serialHex);
      return {
        ok: true,
        answer: {
          source: 'crl',
          status: revokedAt ? 'revoked' : 'good',
          ...(revokedAt ? { revokedAt } : {}),
          thisUpdate: crl.thisUpdate,
          ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate } : {}),
          detail: `CRL from ${url}: ${revokedAt ? 'revoked' : 'not listed'}`,
        },
      };
    } catch (e) {
      problems.push(`CRL ${url}: ${(e as Error).message}`);
    }
  }
  return { ok: false, detail: problems.join('; ') };
}
