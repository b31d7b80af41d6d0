import {
  Cursor,
  DerError,
  Tag,
  bytesEqual,
  children,
  ctx,
  ctxPrim,
  decodeBitString,
  decodeBoolean,
  decodeOid,
  decodeSmallInt,
  decodeTime,
  expectTag,
  explicitInner,
  readSingle,
  serialHex,
  type Tlv,
} from '../der/reader.js';
import {
  readAlgorithm,
  readKeyInfo,
  type AlgorithmIdentifier,
  type KeyInfo,
} from './algorithms.js';
import { digest } from './digest.js';
import { OID } from './oids.js';

export const KeyUsage = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;

export interface Certificate {
  readonly der: Uint8Array;
  /** SHA-256 of the DER; the identity used by every cache. */
  readonly sha256: Buffer;
  readonly id: string;
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  readonly version: number;
  readonly serial: Uint8Array;
  readonly serialHex: string;
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: Uint8Array;
  readonly key: KeyInfo;
  readonly basicConstraints?: { readonly cA: boolean; readonly pathLen?: number };
  /** Key usage bits; undefined when the extension is absent. */
  readonly keyUsage?: number;
  readonly extKeyUsage?: readonly string[];
  readonly subjectKeyId?: Uint8Array;
  readonly authorityKeyId?: Uint8Array;
  readonly ocspUrls: readonly string[];
  readonly crlUrls: readonly string[];
  readonly policies: readonly string[];
  readonly qcCompliance: boolean;
  readonly ocspNoCheck: boolean;
  readonly unknownCritical: readonly string[];
}

export function hasKeyUsage(cert: Certificate, bit: number): boolean {
  return cert.keyUsage !== undefined && (cert.keyUsage & (1 << bit)) !== 0;
}

const HANDLED = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.certificatePolicies,
  OID.crlDistributionPoints,
  OID.authorityInfoAccess,
  OID.qcStatements,
  OID.subjectAltName,
  OID.issuerAltName,
  OID.ocspNoCheck,
]);

function uri(gn: Tlv): string | undefined {
  return gn.tag === ctxPrim(6)
    ? Buffer.from(gn.buf.buffer, gn.buf.byteOffset + gn.valueStart, gn.length).toString('latin1')
    : undefined;
}

function crlUrlsOf(value: Tlv): string[] {
  const urls: string[] = [];
  for (const dp of children(value)) {
    const name = new Cursor(dp, Tag.SEQUENCE).optional(ctx(0));
    if (!name) continue;
    const full = readSingle(name.value);
    if (full.tag !== ctx(0)) continue;
    for (const gn of children(full)) {
      const u = uri(gn);
      if (u) urls.push(u);
    }
  }
  return urls;
}

function ocspUrlsOf(value: Tlv): string[] {
  const urls: string[] = [];
  for (const ad of children(value)) {
    const c = new Cursor(ad, Tag.SEQUENCE);
    const method = decodeOid(c.next(Tag.OID));
    const u = uri(c.next());
    if (method === OID.adOcsp && u) urls.push(u);
  }
  return urls;
}

const policiesOf = (value: Tlv): string[] =>
  children(value).map((pi) => decodeOid(new Cursor(pi, Tag.SEQUENCE).next(Tag.OID)));

const hasQcCompliance = (value: Tlv): boolean =>
  children(value).some(
    (st) => decodeOid(new Cursor(st, Tag.SEQUENCE).next(Tag.OID)) === OID.qcCompliance,
  );

const NONE: readonly string[] = Object.freeze([]);

interface Decoded {
  extKeyUsage: readonly string[] | undefined;
  policies: readonly string[];
  crlUrls: readonly string[];
  ocspUrls: readonly string[];
  qcCompliance: boolean;
}

/**
 * A parsed certificate. What every validation reads is decoded at once; the extensions only
 * some checks read (policies, QC statements, extended key usage, OCSP and CRL locations) are
 * decoded on first use, and a malformed one fails the check that reads it. Most validations of
 * a signer certificate never read them: CA certificates are cached and revocation answers too.
 */
class ParsedCertificate implements Certificate {
  readonly serialHex: string;
  basicConstraints?: { readonly cA: boolean; readonly pathLen?: number };
  keyUsage?: number;
  subjectKeyId?: Uint8Array;
  authorityKeyId?: Uint8Array;
  ocspNoCheck = false;
  unknownCritical: readonly string[] = NONE;
  /** Extension values decoded on first use. */
  ekuTlv?: Tlv;
  policiesTlv?: Tlv;
  crlTlv?: Tlv;
  aiaTlv?: Tlv;
  qcTlv?: Tlv;
  private idText?: string;
  private decoded?: Partial<Decoded>;

  constructor(
    readonly der: Uint8Array,
    readonly sha256: Buffer,
    readonly tbs: Uint8Array,
    readonly signatureAlgorithm: AlgorithmIdentifier,
    readonly signature: Uint8Array,
    readonly version: number,
    readonly serial: Uint8Array,
    readonly issuer: Uint8Array,
    readonly subject: Uint8Array,
    readonly notBefore: Date,
    readonly notAfter: Date,
    readonly spki: Uint8Array,
    readonly key: KeyInfo,
  ) {
    this.serialHex = serialHex(serial);
  }

  get id(): string {
    return (this.idText ??= this.sha256.toString('base64'));
  }

  get extKeyUsage(): readonly string[] | undefined {
    return this.once('extKeyUsage', this.ekuTlv, (t) => children(t).map(decodeOid), undefined);
  }

  get policies(): readonly string[] {
    return this.once('policies', this.policiesTlv, policiesOf, NONE);
  }

  get crlUrls(): readonly string[] {
    return this.once('crlUrls', this.crlTlv, crlUrlsOf, NONE);
  }

  get ocspUrls(): readonly string[] {
    return this.once('ocspUrls', this.aiaTlv, ocspUrlsOf, NONE);
  }

  get qcCompliance(): boolean {
    return this.once('qcCompliance', this.qcTlv, hasQcCompliance, false);
  }

  /** The extension's decoded value, decoded on the first call; `absent` without the extension. */
  private once<K extends keyof Decoded>(
    key: K,
    tlv: Tlv | undefined,
    decode: (t: Tlv) => Decoded[K],
    absent: Decoded[K],
  ): Decoded[K] {
    const d = (this.decoded ??= {});
    if (!(key in d)) d[key] = tlv ? decode(tlv) : absent;
    return d[key] as Decoded[K];
  }
}

function readExtension(out: ParsedCertificate, oid: string, value: Tlv): void {
  switch (oid) {
    case OID.basicConstraints: {
      const c = new Cursor(value, Tag.SEQUENCE);
      const ca = c.optional(Tag.BOOLEAN);
      const pl = c.optional(Tag.INTEGER);
      c.end();
      const cA = ca ? decodeBoolean(ca) : false;
      out.basicConstraints = pl ? { cA, pathLen: decodeSmallInt(pl) } : { cA };
      return;
    }
    case OID.keyUsage: {
      const { bytes } = decodeBitString(value);
      let bits = 0;
      for (let i = 0; i < Math.min(bytes.length, 2) * 8; i++) {
        if (bytes[i >> 3]! & (0x80 >> (i & 7))) bits |= 1 << i;
      }
      out.keyUsage = bits;
      return;
    }
    case OID.subjectKeyIdentifier:
      if (value.tag !== Tag.OCTET_STRING) throw new DerError('bad subjectKeyIdentifier');
      out.subjectKeyId = value.value;
      return;
    case OID.authorityKeyIdentifier: {
      const c = new Cursor(value, Tag.SEQUENCE);
      const kid = c.optional(ctxPrim(0));
      if (kid) out.authorityKeyId = kid.value;
      return;
    }
    case OID.ocspNoCheck:
      out.ocspNoCheck = true;
      return;
    case OID.extKeyUsage:
      out.ekuTlv = expectTag(value, Tag.SEQUENCE);
      return;
    case OID.certificatePolicies:
      out.policiesTlv = expectTag(value, Tag.SEQUENCE);
      return;
    case OID.crlDistributionPoints:
      out.crlTlv = expectTag(value, Tag.SEQUENCE);
      return;
    case OID.authorityInfoAccess:
      out.aiaTlv = expectTag(value, Tag.SEQUENCE);
      return;
    case OID.qcStatements:
      out.qcTlv = expectTag(value, Tag.SEQUENCE);
      return;
  }
}

/** Parses an X.509 certificate from its DER. Throws DerError on any malformation. */
export function parseCertificate(der: Uint8Array, sha256?: Buffer): Certificate {
  const root = readSingle(der, Tag.SEQUENCE);
  const top = new Cursor(root);
  const tbsTlv = top.next(Tag.SEQUENCE);
  const signatureAlgorithm = readAlgorithm(top.next(Tag.SEQUENCE));
  const sigBits = decodeBitString(top.next(Tag.BIT_STRING));
  top.end();
  if (sigBits.unused !== 0) throw new DerError('signature with unused bits');

  const c = new Cursor(tbsTlv);
  const v = c.optional(ctx(0));
  const version = v ? decodeSmallInt(explicitInner(v, Tag.INTEGER)) + 1 : 1;
  const serialTlv = c.next(Tag.INTEGER);
  const innerAlg = readAlgorithm(c.next(Tag.SEQUENCE));
  if (innerAlg.oid !== signatureAlgorithm.oid) throw new DerError('signature algorithm mismatch');
  const issuer = c.next(Tag.SEQUENCE).der;
  const validity = new Cursor(c.next(Tag.SEQUENCE));
  const notBefore = decodeTime(validity.next());
  const notAfter = decodeTime(validity.next());
  validity.end();
  const subject = c.next(Tag.SEQUENCE).der;
  const spkiTlv = c.next(Tag.SEQUENCE);
  c.optional(ctxPrim(1));
  c.optional(ctxPrim(2));
  const out = new ParsedCertificate(
    der,
    sha256 ?? digest('sha256', der),
    tbsTlv.der,
    signatureAlgorithm,
    sigBits.bytes,
    version,
    serialTlv.value,
    issuer,
    subject,
    notBefore,
    notAfter,
    spkiTlv.der,
    readKeyInfo(spkiTlv),
  );
  const extsTlv = c.optional(ctx(3));
  c.end();
  if (extsTlv) {
    let critical: string[] | undefined;
    // A dozen extensions at most in practice: a scan beats building a Set per certificate.
    const seen: string[] = [];
    for (const ext of children(explicitInner(extsTlv, Tag.SEQUENCE))) {
      const e = new Cursor(ext, Tag.SEQUENCE);
      const oid = decodeOid(e.next(Tag.OID));
      if (seen.includes(oid)) throw new DerError(`duplicate extension ${oid}`);
      seen.push(oid);
      const crit = e.optional(Tag.BOOLEAN);
      const isCritical = crit ? decodeBoolean(crit) : false;
      const value = e.next(Tag.OCTET_STRING);
      e.end();
      if (HANDLED.has(oid)) readExtension(out, oid, explicitInner(value));
      else if (isCritical) (critical ??= []).push(oid);
    }
    if (critical) out.unknownCritical = critical;
  }
  return out;
}

/**
 * A bounded cache of parsed CA certificates keyed by DER hash. End-entity certificates are
 * parsed every time: they rarely repeat, and caching them would only flatter benchmarks.
 */
export class CertificateCache {
  private readonly map = new Map<number, Certificate>();
  constructor(private readonly limit = 10_000) {}

  get(der: Uint8Array): Certificate {
    // Length and the signature's last four bytes: a cheap, near-unique number (no string to
    // build for the end-entity misses); a hit still has to match every byte.
    const n = der.length;
    const key =
      n < 4
        ? n
        : n * 2 ** 32 +
          ((der[n - 1]! | (der[n - 2]! << 8) | (der[n - 3]! << 16) | (der[n - 4]! << 24)) >>> 0);
    const hit = this.map.get(key);
    if (hit && bytesEqual(hit.der, der)) return hit;
    const cert = parseCertificate(der);
    if (!cert.basicConstraints?.cA) return cert;
    // Parsed again from a copy: `der` is a view into the whole input (up to the CMS size
    // limit), which the cache must not keep alive.
    const own = parseCertificate(der.slice(), cert.sha256);
    if (this.map.size >= this.limit) this.map.clear();
    this.map.set(key, own);
    return own;
  }
}
