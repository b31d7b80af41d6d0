import {
  Cursor,
  DerError,
  Tag,
  children,
  ctx,
  ctxPrim,
  decodeOid,
  decodeSmallInt,
  explicitInner,
  readSingle,
  type Tlv,
} from '../der/reader.js';
import { readAlgorithm, type AlgorithmIdentifier } from './algorithms.js';
import { OID } from './oids.js';

export interface Attribute {
  readonly oid: string;
  readonly values: readonly Tlv[];
}

export interface SignerInfo {
  readonly version: number;
  readonly sid:
    | { readonly kind: 'issuerSerial'; readonly issuer: Uint8Array; readonly serial: Uint8Array }
    | { readonly kind: 'keyId'; readonly keyId: Uint8Array };
  readonly digestAlgorithm: AlgorithmIdentifier;
  /** The signed attributes as received, with their IMPLICIT [0] tag. */
  readonly signedAttrsDer?: Uint8Array;
  readonly signedAttrs: readonly Attribute[];
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  readonly unsignedAttrs: readonly Attribute[];
}

export interface SignedData {
  readonly version: number;
  /** OIDs of the digestAlgorithms SET. */
  readonly digestAlgorithms: readonly string[];
  readonly eContentType: string;
  /** Encapsulated content; undefined for a detached signature. */
  readonly eContent?: Uint8Array;
  readonly certificates: readonly Uint8Array[];
  readonly signerInfos: readonly SignerInfo[];
}

function readAttributes(t: Tlv): Attribute[] {
  return children(t).map((a) => {
    const c = new Cursor(a, Tag.SEQUENCE);
    const oid = decodeOid(c.next(Tag.OID));
    const set = c.next(Tag.SET);
    c.end();
    const values = children(set);
    if (values.length === 0) throw new DerError(`attribute ${oid} without a value`);
    return { oid, values };
  });
}

function readSignerInfo(t: Tlv): SignerInfo {
  const c = new Cursor(t, Tag.SEQUENCE);
  const version = decodeSmallInt(c.next(Tag.INTEGER));
  const sidTlv = c.next();
  let sid: SignerInfo['sid'];
  if (sidTlv.tag === Tag.SEQUENCE) {
    const s = new Cursor(sidTlv);
    const issuer = s.next(Tag.SEQUENCE).der;
    const serial = s.next(Tag.INTEGER).value;
    s.end();
    sid = { kind: 'issuerSerial', issuer, serial };
  } else if (sidTlv.tag === ctxPrim(0)) {
    sid = { kind: 'keyId', keyId: sidTlv.value };
  } else throw new DerError('bad signer identifier');
  const digestAlgorithm = readAlgorithm(c.next(Tag.SEQUENCE));
  const sa = c.optional(ctx(0));
  const signatureAlgorithm = readAlgorithm(c.next(Tag.SEQUENCE));
  const signature = c.next(Tag.OCTET_STRING).value;
  const ua = c.optional(ctx(1));
  c.end();
  return {
    version,
    sid,
    digestAlgorithm,
    ...(sa ? { signedAttrsDer: sa.der } : {}),
    signedAttrs: sa ? readAttributes(sa) : [],
    signatureAlgorithm,
    signature,
    unsignedAttrs: ua ? readAttributes(ua) : [],
  };
}

/** RFC 5652 5.1 and 5.3: the versions follow from the content, so a tampered one is refused. */
function checkVersions(
  version: number,
  eContentType: string,
  otherCerts: boolean,
  signerInfos: readonly SignerInfo[],
): void {
  for (const si of signerInfos) {
    if (si.version !== (si.sid.kind === 'issuerSerial' ? 1 : 3))
      throw new DerError(`SignerInfo version ${si.version}`);
  }
  const v3 = otherCerts || eContentType !== OID.data || signerInfos.some((si) => si.version === 3);
  if (v3 ? version !== 3 && version !== 4 && version !== 5 : version !== 1 && version !== 3) {
    throw new DerError(`SignedData version ${version}`);
  }
}

/** Parses a DER ContentInfo carrying a SignedData (RFC 5652). */
export function parseSignedData(der: Uint8Array): SignedData {
  const ci = new Cursor(readSingle(der, Tag.SEQUENCE));
  if (decodeOid(ci.next(Tag.OID)) !== OID.signedData) throw new DerError('not a SignedData');
  const sd = explicitInner(ci.next(ctx(0)), Tag.SEQUENCE);
  ci.end();
  const c = new Cursor(sd);
  const version = decodeSmallInt(c.next(Tag.INTEGER));
  const digestAlgorithms = children(c.next(Tag.SET)).map((alg) => readAlgorithm(alg).oid);
  const eci = new Cursor(c.next(Tag.SEQUENCE));
  const eContentType = decodeOid(eci.next(Tag.OID));
  const ec = eci.optional(ctx(0));
  eci.end();
  const eContent = ec ? explicitInner(ec, Tag.OCTET_STRING).value : undefined;
  const certsTlv = c.optional(ctx(0));
  const certificates: Uint8Array[] = [];
  let otherCerts = false;
  if (certsTlv) {
    for (const choice of children(certsTlv)) {
      // Attribute certificates and other choices carry no signing certificate.
      if (choice.tag === Tag.SEQUENCE) certificates.push(choice.der);
      else otherCerts = true;
    }
  }
  c.optional(ctx(1));
  const signerInfos = children(c.next(Tag.SET)).map(readSignerInfo);
  c.end();
  checkVersions(version, eContentType, otherCerts, signerInfos);
  return {
    version,
    digestAlgorithms,
    eContentType,
    ...(eContent ? { eContent } : {}),
    certificates,
    signerInfos,
  };
}

export function findAttribute(attrs: readonly Attribute[], oid: string): Attribute | undefined {
  for (const a of attrs) if (a.oid === oid) return a;
  return undefined;
}

/** The signed attributes re-tagged as the DER SET OF that the signature covers. */
export function signedAttrsForSignature(der: Uint8Array): Uint8Array {
  const copy = new Uint8Array(der);
  copy[0] = Tag.SET;
  return copy;
}
