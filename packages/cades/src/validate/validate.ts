import type { Report } from '@eimza/protocol';
import { Tag, bytesEqual, decodeOid, decodeTime, type Tlv } from '../der/reader.js';
import {
  DEFAULT_ALGORITHM_POLICY,
  algorithmProblem,
  describeKey,
  digestName,
  signatureParams,
  verifySignature,
  type AlgorithmPolicy,
} from './algorithms.js';
import { CertificateCache, KeyUsage, hasKeyUsage, type Certificate } from './certificate.js';
import { buildPath, judgeChain } from './chain.js';
import {
  findAttribute,
  parseSignedData,
  signedAttrsForSignature,
  type SignedData,
  type SignerInfo,
} from './cms.js';
import { digest } from './digest.js';
import { publicKeyOf } from './keys.js';
import { OID } from './oids.js';
import { ReportBuilder, fail } from './report.js';
import type { RevocationOptions } from './revocation/check.js';
import {
  cachedPathRevocation,
  checkPathRevocation,
  judgePath,
  leafAnswer,
  type LinkStatus,
} from './revocation/path.js';
import { chainEntry, summariseSigner, type SignerView } from './signer-summary.js';
import { essCertProblem, findSignerCertificate } from './signer-certificate.js';
import { validateTimestamp, type TimestampResult } from './timestamp.js';
import type { TrustStore } from './trust-store.js';

export interface SignerPolicy {
  readonly requiredPolicyOids?: readonly string[];
  readonly requireQcCompliance?: boolean;
  /** Default true: the signer certificate must carry nonRepudiation. */
  readonly requireNonRepudiation?: boolean;
}

export interface ValidateCadesOptions {
  readonly cms: Uint8Array;
  /** The detached content, when the CMS does not encapsulate it. */
  readonly content?: Uint8Array;
  /** The bytes the signature must cover (a session's text); else SIGNED_DATA_NOT_FOUND. */
  readonly expectedContent?: Uint8Array;
  readonly trust: TrustStore;
  readonly policy?: SignerPolicy;
  /** Default { mode: 'require' } with the process-wide cache. */
  readonly revocation?: RevocationOptions;
  /** Allowed distance between a time-stamp's genTime and signingTime; default 600 s. */
  readonly timestampWindowSeconds?: number;
  readonly now?: Date;
  /** Largest accepted CMS, bytes; default 4 MiB. */
  readonly maxSize?: number;
  /** Number of SignerInfos the CMS must have; default 1. */
  readonly signerCount?: number;
  readonly algorithms?: Partial<AlgorithmPolicy>;
}

export const CHECK_NAMES = [
  'format',
  'content',
  'signature',
  'signedAttributes',
  'chain',
  'signerPolicy',
  'revocation',
  'timestamp',
] as const;

const DEFAULT_MAX_SIZE = 4 * 1024 * 1024;
const certificateCache = new CertificateCache();

interface Ctx {
  readonly opts: ValidateCadesOptions;
  readonly now: Date;
  readonly algs: AlgorithmPolicy;
  readonly rb: ReportBuilder;
  readonly sd: SignedData;
  readonly pool: readonly Certificate[];
  /** Check names get a suffix for the second and later signers. */
  readonly suffix: string;
  readonly primary: boolean;
}

/** The first attribute type that appears twice, if any. */
function repeatedOid(attrs: readonly { readonly oid: string }[]): string | undefined {
  // A handful of attributes (the usual case): comparing pairs beats building a Set.
  if (attrs.length <= 12) {
    for (let i = 1; i < attrs.length; i++) {
      for (let j = 0; j < i; j++) if (attrs[j]!.oid === attrs[i]!.oid) return attrs[i]!.oid;
    }
    return undefined;
  }
  const seen = new Set<string>();
  for (const a of attrs) {
    if (seen.has(a.oid)) return a.oid;
    seen.add(a.oid);
  }
  return undefined;
}

function singleValue(si: SignerInfo, oid: string, what: string): Tlv {
  const a = findAttribute(si.signedAttrs, oid);
  if (!a) return fail('SIG_CONSTRAINTS_FAILURE', `missing signed attribute ${what}`);
  if (a.values.length !== 1) return fail('FORMAT_FAILURE', `${what} must have exactly one value`);
  return a.values[0]!;
}

async function validateSigner(c: Ctx, si: SignerInfo): Promise<void> {
  const { opts, rb, sd, suffix } = c;
  if (
    !rb.run(`content${suffix}`, (): string => {
      if (!si.signedAttrsDer)
        fail('SIG_CONSTRAINTS_FAILURE', 'no signed attributes (CAdES requires them)');
      if (sd.eContent && opts.content && !bytesEqual(sd.eContent, opts.content)) {
        fail('HASH_FAILURE', 'detached content differs from the encapsulated content');
      }
      const data = sd.eContent ?? opts.content;
      if (!data) return fail('SIGNED_DATA_NOT_FOUND', 'detached signature and no content given');
      if (opts.expectedContent && !bytesEqual(data, opts.expectedContent)) {
        fail('SIGNED_DATA_NOT_FOUND', 'the signed content differs from the expected content');
      }
      const md = singleValue(si, OID.messageDigest, 'messageDigest');
      if (md.tag !== Tag.OCTET_STRING)
        fail('FORMAT_FAILURE', 'messageDigest is not an OCTET STRING');
      if (!sd.digestAlgorithms.includes(si.digestAlgorithm.oid)) {
        fail('FORMAT_FAILURE', 'the signer digest algorithm is not listed in digestAlgorithms');
      }
      let hash: string;
      try {
        hash = digestName(si.digestAlgorithm);
      } catch {
        return fail(
          'SIG_CONSTRAINTS_FAILURE',
          `unsupported digest algorithm ${si.digestAlgorithm.oid}`,
        );
      }
      if (!bytesEqual(digest(hash, data), md.value)) {
        fail('HASH_FAILURE', 'messageDigest does not match the content');
      }
      return `${sd.eContent ? 'attached' : 'detached'} content of ${data.length} bytes, ${hash} digest matches`;
    })
  )
    return;

  let cert!: Certificate;
  let path: Certificate[] | undefined;
  let signerView: SignerView | undefined;
  if (
    !rb.run(`signature${suffix}`, (): string => {
      const found = findSignerCertificate(si, c.pool, opts.trust);
      if (!found)
        return fail('NO_CERTIFICATE_CHAIN_FOUND', 'signer certificate not found in the CMS');
      cert = found;
      if (c.primary) {
        signerView = summariseSigner(cert);
        rb.report.signer = signerView.signer;
      }
      let params;
      try {
        params = signatureParams(si.signatureAlgorithm, si.digestAlgorithm);
      } catch (e) {
        return fail('SIG_CONSTRAINTS_FAILURE', (e as Error).message);
      }
      const ok = verifySignature(
        params,
        publicKeyOf(cert),
        signedAttrsForSignature(si.signedAttrsDer!),
        si.signature,
      );
      if (!ok)
        fail('SIG_CRYPTO_FAILURE', 'signature value does not verify over the signed attributes');
      // The path's signature checks run here, next to this one, while OpenSSL's RSA/EC code
      // and tables are still in the CPU caches (measured in one process against the code
      // before: a few per cent faster than after the attribute checks). Whether the path was
      // valid at the signing or time-stamp time is judged later, in the chain check.
      path = buildPath(cert, c.pool, opts.trust, c.algs);
      return `${params.scheme.toUpperCase()} ${params.hash} signature verifies`;
    })
  )
    return;

  if (
    !rb.run(`signedAttributes${suffix}`, (): string => {
      const params = signatureParams(si.signatureAlgorithm, si.digestAlgorithm);
      const digestAlg = digestName(si.digestAlgorithm);
      if (!c.algs.allowedHashes.has(digestAlg))
        fail('SIG_CONSTRAINTS_FAILURE', `digest ${digestAlg} is not allowed`);
      const weak = algorithmProblem(params, cert.key, c.algs);
      if (weak) fail('SIG_CONSTRAINTS_FAILURE', weak);
      const twice = repeatedOid(si.signedAttrs);
      if (twice) fail('FORMAT_FAILURE', `signed attribute ${twice} appears twice`);
      const ct = decodeOid(singleValue(si, OID.contentType, 'contentType'));
      if (ct !== sd.eContentType)
        fail('SIG_CONSTRAINTS_FAILURE', 'contentType attribute differs from eContentType');
      if (ct !== OID.data) fail('SIG_CONSTRAINTS_FAILURE', `content type ${ct} is not id-data`);
      const st = decodeTime(singleValue(si, OID.signingTime, 'signingTime'));
      if (c.primary) rb.report.signingTime = st.toISOString();
      const scv2 = singleValue(si, OID.signingCertificateV2, 'signingCertificateV2');
      const ess = essCertProblem(scv2, cert, 'sha256', false);
      if (ess) fail('SIG_CONSTRAINTS_FAILURE', ess);
      return `${describeKey(cert.key)} with ${digestAlg}; contentType, messageDigest, signingTime and signingCertificateV2 present and consistent`;
    })
  )
    return;

  // The time-stamp is reported last but validated first: a valid one fixes the time at
  // which the chain must have been valid.
  const tokenAttr = findAttribute(si.unsignedAttrs, OID.signatureTimeStampToken);
  let ts: TimestampResult | undefined;
  if (tokenAttr) {
    ts = validateTimestamp(
      tokenAttr.values[0]!,
      si.signature,
      opts.trust,
      c.algs,
      certificateCache,
    );
    if (ts.ok) {
      const st = decodeTime(singleValue(si, OID.signingTime, 'signingTime'));
      const window = (opts.timestampWindowSeconds ?? 600) * 1000;
      if (Math.abs(ts.genTime.getTime() - st.getTime()) > window) {
        ts = {
          ok: false,
          detail: `time-stamp genTime ${ts.genTime.toISOString()} is not within ${window / 1000} s of signingTime`,
        };
      }
    }
  }
  if (ts?.ok) ts = await withTsaRevocation(c, ts);
  const at = ts?.ok ? ts.genTime : c.now;

  let chain: readonly Certificate[] = [];
  if (
    !rb.run(`chain${suffix}`, (): string => {
      const r = judgeChain(cert, path, at, opts.trust);
      chain = r.chain;
      if (c.primary) {
        rb.report.chain = r.chain.map((cc, i) =>
          i === 0 && signerView && cc === cert ? signerView.entry : chainEntry(cc),
        );
      }
      if (!r.ok) fail(r.failure, r.detail);
      return r.detail + (ts?.ok ? ' (time-stamp time)' : '');
    })
  )
    return;

  if (
    !rb.run(`signerPolicy${suffix}`, (): string => {
      const p = opts.policy ?? {};
      if (p.requireNonRepudiation !== false && !hasKeyUsage(cert, KeyUsage.nonRepudiation)) {
        fail('CHAIN_CONSTRAINTS_FAILURE', 'signer certificate lacks nonRepudiation key usage');
      }
      for (const oid of p.requiredPolicyOids ?? []) {
        if (!cert.policies.includes(oid))
          fail('CHAIN_CONSTRAINTS_FAILURE', `signer certificate lacks policy ${oid}`);
      }
      if (p.requireQcCompliance && !cert.qcCompliance) {
        fail('CHAIN_CONSTRAINTS_FAILURE', 'signer certificate lacks the QcCompliance statement');
      }
      return (
        'nonRepudiation' +
        (p.requiredPolicyOids?.length ? `, policies ${p.requiredPolicyOids.join(', ')}` : '') +
        (p.requireQcCompliance ? ', QcCompliance' : '')
      );
    })
  )
    return;

  const ro = opts.revocation ?? { mode: 'require' };
  // A warm cache answers synchronously; only misses go to the network.
  let links: LinkStatus[] | undefined;
  let linksError: unknown;
  if (ro.mode !== 'off' && chain.length >= 2) {
    try {
      links =
        cachedPathRevocation(chain, opts.trust, c.now, ro, 'signer certificate') ??
        (await checkPathRevocation(chain, opts.trust, c.now, ro, c.algs, 'signer certificate'));
    } catch (e) {
      linksError = e;
    }
  }
  if (
    !rb.run(`revocation${suffix}`, (): string => {
      if (linksError !== undefined) throw linksError;
      if (ro.mode === 'off') return 'revocation checking disabled';
      if (!links) return 'signer certificate is itself a trust anchor';
      const a = leafAnswer(links);
      if (c.primary && a) {
        rb.report.revocation = {
          source: a.source,
          status: a.status,
          ...(a.producedAt ? { producedAt: a.producedAt.toISOString() } : {}),
          ...(a.revokedAt ? { revokedAt: a.revokedAt.toISOString() } : {}),
        };
      }
      const verdict = judgePath(links, ro.mode === 'soft-fail', ts?.ok ? ts.genTime : undefined);
      if (!verdict.ok) fail(verdict.sub, verdict.detail);
      return verdict.detail;
    })
  )
    return;

  rb.run(`timestamp${suffix}`, () => {
    if (!ts) return 'no signature time-stamp (CAdES-BES)';
    if (!ts.ok) {
      return fail(
        ts.subIndication ??
          (/imprint/.test(ts.detail) ? 'HASH_FAILURE' : 'SIG_CONSTRAINTS_FAILURE'),
        ts.detail,
      );
    }
    if (c.primary) rb.report.timestamp = { genTime: ts.genTime.toISOString(), tsa: ts.tsa };
    return ts.detail;
  });
}

/**
 * Checks the revocation of the TSA's certificate and its CAs (now). A revoked TSA certificate
 * makes the time-stamp worthless whenever the revocation happened: a compromised TSA key can
 * stamp any genTime, so no revokedAt can be trusted against it.
 */
async function withTsaRevocation(
  c: Ctx,
  ts: Extract<TimestampResult, { ok: true }>,
): Promise<TimestampResult> {
  const ro = c.opts.revocation ?? { mode: 'require' };
  if (ro.mode === 'off') return ts;
  let links: LinkStatus[];
  try {
    links =
      cachedPathRevocation(ts.tsaChain, c.opts.trust, c.now, ro, 'TSA certificate') ??
      (await checkPathRevocation(ts.tsaChain, c.opts.trust, c.now, ro, c.algs, 'TSA certificate'));
  } catch (e) {
    return { ok: false, detail: `TSA revocation: ${(e as Error).message}` };
  }
  const verdict = judgePath(links, ro.mode === 'soft-fail');
  if (!verdict.ok) {
    return {
      ok: false,
      subIndication: verdict.sub,
      detail: `time-stamp not usable: ${verdict.detail}`,
    };
  }
  return verdict.detail ? { ...ts, detail: `${ts.detail}; ${verdict.detail}` } : ts;
}

/**
 * Validates a CAdES-BES/-T signature and returns the protocol's Report. Never throws: any
 * malformed input ends in a failed check.
 */
export async function validateCades(opts: ValidateCadesOptions): Promise<Report> {
  const rb = new ReportBuilder();
  try {
    const now = opts.now ?? new Date();
    const algs: AlgorithmPolicy = opts.algorithms
      ? { ...DEFAULT_ALGORITHM_POLICY, ...opts.algorithms }
      : DEFAULT_ALGORITHM_POLICY;
    let sd!: SignedData;
    let pool: Certificate[] = [];
    const passed = rb.run('format', (): string => {
      const max = opts.maxSize ?? DEFAULT_MAX_SIZE;
      if (!(opts.cms instanceof Uint8Array)) fail('FORMAT_FAILURE', 'cms is not a byte array');
      if (opts.cms.length > max)
        fail('FORMAT_FAILURE', `CMS of ${opts.cms.length} bytes exceeds the limit of ${max}`);
      try {
        sd = parseSignedData(opts.cms);
        pool = sd.certificates.map((d) => certificateCache.get(d));
      } catch (e) {
        return fail('FORMAT_FAILURE', `not a DER CMS SignedData: ${(e as Error).message}`);
      }
      const want = opts.signerCount ?? 1;
      if (sd.signerInfos.length !== want) {
        fail('FORMAT_FAILURE', `expected ${want} signer(s), found ${sd.signerInfos.length}`);
      }
      return `DER SignedData v${sd.version}, ${sd.signerInfos.length} signer(s), ${sd.certificates.length} certificate(s)`;
    });
    if (passed) {
      for (let i = 0; i < sd.signerInfos.length && !rb.failure; i++) {
        const ctx: Ctx = {
          opts,
          now,
          algs,
          rb,
          sd,
          pool,
          suffix: i === 0 ? '' : ` (signer ${i + 1})`,
          primary: i === 0,
        };
        await validateSigner(ctx, sd.signerInfos[i]!);
      }
    }
  } catch (e) {
    rb.checks.push({
      name: 'internal',
      passed: false,
      detail: `unexpected error: ${(e as Error)?.message ?? String(e)}`,
    });
    rb.failure ??= { subIndication: 'FORMAT_FAILURE', detail: 'unexpected error' };
  }
  return rb.finish();
}
