import { Cursor, Tag, bytesEqual, children, ctx, type Tlv } from '../der/reader.js';
import { digestName, readAlgorithm } from './algorithms.js';
import type { Certificate } from './certificate.js';
import type { SignerInfo } from './cms.js';
import { digest } from './digest.js';
import type { TrustStore } from './trust-store.js';

/** The certificate a SignerInfo's sid names, from the CMS certificates or the trust store. */
export function findSignerCertificate(
  si: SignerInfo,
  pool: readonly Certificate[],
  trust: TrustStore,
): Certificate | undefined {
  const sid = si.sid;
  if (sid.kind === 'keyId') {
    return pool.find((c) => c.subjectKeyId !== undefined && bytesEqual(c.subjectKeyId, sid.keyId));
  }
  const { serial, issuer } = sid;
  for (const list of [pool, trust.bySubjectName(issuer), trust.anchors]) {
    for (const c of list)
      if (bytesEqual(c.serial, serial) && bytesEqual(c.issuer, issuer)) return c;
  }
  return undefined;
}

/**
 * Checks the first ESSCertID(v2) of a SigningCertificate(V2) attribute value against `cert`:
 * the certificate hash, and issuerSerial when present. SHA-1 hashes are accepted only for
 * the v1 attribute (`allowSha1`, used for time-stamp tokens).
 */
export function essCertProblem(
  value: Tlv,
  cert: Certificate,
  defaultHash: 'sha256' | 'sha1',
  allowSha1: boolean,
): string | undefined {
  const certs = new Cursor(value, Tag.SEQUENCE).next(Tag.SEQUENCE);
  const first = children(certs)[0];
  if (!first) return 'signing-certificate attribute lists no certificate';
  const c = new Cursor(first, Tag.SEQUENCE);
  let hash: string = defaultHash;
  if (c.peekTag() === Tag.SEQUENCE) hash = digestName(readAlgorithm(c.next()));
  if (hash === 'sha1' && !allowSha1) return 'signing-certificate hash uses SHA-1';
  const certHash = c.next(Tag.OCTET_STRING).value;
  const actual = hash === 'sha256' ? cert.sha256 : digest(hash, cert.der);
  if (!bytesEqual(certHash, actual))
    return 'signing-certificate hash does not match the signer certificate';
  const is = c.optional(Tag.SEQUENCE);
  if (is) {
    const isc = new Cursor(is);
    const names = children(isc.next(Tag.SEQUENCE));
    const serial = isc.next(Tag.INTEGER).value;
    if (!bytesEqual(serial, cert.serial))
      return 'signing-certificate issuerSerial serial does not match';
    const dir = names.find((n) => n.tag === ctx(4));
    if (dir && !bytesEqual(new Cursor(dir).next(Tag.SEQUENCE).der, cert.issuer)) {
      return 'signing-certificate issuerSerial issuer does not match';
    }
  }
  return undefined;
}
