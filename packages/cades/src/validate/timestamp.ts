import {
  Cursor,
  Tag,
  bytesEqual,
  decodeOid,
  decodeSmallInt,
  decodeTime,
  readSingle,
  type Tlv,
} from '../der/reader.js';
import {
  algorithmProblem,
  digestName,
  readAlgorithm,
  signatureParams,
  verifySignature,
  type AlgorithmPolicy,
} from './algorithms.js';
import type { Certificate, CertificateCache } from './certificate.js';
import { validateChain } from './chain.js';
import { findAttribute, parseSignedData, signedAttrsForSignature, type SignerInfo } from './cms.js';
import { digest } from './digest.js';
import { publicKeyOf } from './keys.js';
import { formatName } from './name.js';
import { OID } from './oids.js';
import { essCertProblem, findSignerCertificate } from './signer-certificate.js';
import type { TrustStore } from './trust-store.js';

export type TimestampResult =
  | {
      readonly ok: true;
      readonly genTime: Date;
      readonly tsa: string;
      readonly tsaCert: Certificate;
      /** TSA certificate first, anchor last. */
      readonly tsaChain: readonly Certificate[];
      readonly detail: string;
    }
  | {
      readonly ok: false;
      readonly detail: string;
      /** Default: HASH_FAILURE for an imprint mismatch, else SIG_CONSTRAINTS_FAILURE. */
      readonly subIndication?: 'REVOKED' | 'TRY_LATER';
    };

interface TstInfo {
  readonly imprintAlg: string;
  readonly imprint: Uint8Array;
  readonly genTime: Date;
}

function parseTstInfo(der: Uint8Array): TstInfo {
  const c = new Cursor(readSingle(der, Tag.SEQUENCE));
  decodeSmallInt(c.next(Tag.INTEGER));
  decodeOid(c.next(Tag.OID));
  const mi = new Cursor(c.next(Tag.SEQUENCE));
  const imprintAlg = digestName(readAlgorithm(mi.next(Tag.SEQUENCE)));
  const imprint = mi.next(Tag.OCTET_STRING).value;
  mi.end();
  c.next(Tag.INTEGER);
  const genTime = decodeTime(c.next(Tag.GENERALIZED_TIME));
  return { imprintAlg, imprint, genTime };
}

function signedAttrsProblem(
  si: SignerInfo,
  eContent: Uint8Array,
  cert: Certificate,
): string | undefined {
  const ct = findAttribute(si.signedAttrs, OID.contentType);
  if (!ct || decodeOid(ct.values[0]!) !== OID.tstInfo)
    return 'token contentType is not id-ct-TSTInfo';
  const md = findAttribute(si.signedAttrs, OID.messageDigest);
  const expectedDigest = digest(digestName(si.digestAlgorithm), eContent);
  if (
    !md ||
    md.values[0]!.tag !== Tag.OCTET_STRING ||
    !bytesEqual(md.values[0]!.value, expectedDigest)
  ) {
    return 'token messageDigest does not match TSTInfo';
  }
  const v2 = findAttribute(si.signedAttrs, OID.signingCertificateV2);
  const v1 = findAttribute(si.signedAttrs, OID.signingCertificate);
  if (!v1 && !v2) return 'token has no signing-certificate attribute';
  return essCertProblem((v2 ?? v1)!.values[0]!, cert, v2 ? 'sha256' : 'sha1', true);
}

/**
 * Validates an RFC 3161 signature time-stamp token over `signatureValue`: token signature,
 * TSA chain to an anchor at genTime, timeStamping EKU, and the message imprint.
 */
export function validateTimestamp(
  token: Tlv,
  signatureValue: Uint8Array,
  trust: TrustStore,
  policy: AlgorithmPolicy,
  certs: CertificateCache,
): TimestampResult {
  try {
    const sd = parseSignedData(token.der);
    if (sd.eContentType !== OID.tstInfo || !sd.eContent)
      return { ok: false, detail: 'token does not carry a TSTInfo' };
    if (sd.signerInfos.length !== 1)
      return { ok: false, detail: 'token must have exactly one signer' };
    const si = sd.signerInfos[0]!;
    const tst = parseTstInfo(sd.eContent);
    const expected = digest(tst.imprintAlg, signatureValue);
    if (!bytesEqual(expected, tst.imprint))
      return { ok: false, detail: 'time-stamp imprint does not match the signature value' };
    const pool = sd.certificates.map((d) => certs.get(d));
    const tsaCert = findSignerCertificate(si, pool, trust);
    if (!tsaCert) return { ok: false, detail: 'TSA certificate not found' };
    if (!si.signedAttrsDer) return { ok: false, detail: 'token has no signed attributes' };
    const attrs = signedAttrsProblem(si, sd.eContent, tsaCert);
    if (attrs) return { ok: false, detail: attrs };
    const params = signatureParams(si.signatureAlgorithm, si.digestAlgorithm);
    const weak = algorithmProblem(params, tsaCert.key, policy);
    if (weak) return { ok: false, detail: `token signature: ${weak}` };
    if (
      !verifySignature(
        params,
        publicKeyOf(tsaCert),
        signedAttrsForSignature(si.signedAttrsDer),
        si.signature,
      )
    ) {
      return { ok: false, detail: 'token signature invalid' };
    }
    if (!tsaCert.extKeyUsage?.includes(OID.kpTimeStamping))
      return { ok: false, detail: 'TSA certificate lacks id-kp-timeStamping' };
    const chain = validateChain(tsaCert, pool, trust, tst.genTime, policy);
    if (!chain.ok) return { ok: false, detail: `TSA chain: ${chain.detail}` };
    return {
      ok: true,
      genTime: tst.genTime,
      tsa: formatName(tsaCert.subject),
      tsaCert,
      tsaChain: chain.chain,
      detail: `time-stamp of ${tst.genTime.toISOString()} by ${formatName(tsaCert.subject)}`,
    };
  } catch (e) {
    return { ok: false, detail: `malformed time-stamp token: ${(e as Error).message}` };
  }
}
