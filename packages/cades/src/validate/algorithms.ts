import { constants, verify, type KeyObject } from 'node:crypto';
import {
  Cursor,
  DerError,
  Tag,
  ctx,
  decodeOid,
  decodeSmallInt,
  explicitInner,
  readTlv,
  type Tlv,
} from '../der/reader.js';
import { DIGEST_BY_OID, OID } from './oids.js';

export interface AlgorithmIdentifier {
  readonly oid: string;
  readonly params?: Tlv;
}

export function readAlgorithm(t: Tlv): AlgorithmIdentifier {
  const c = new Cursor(t, Tag.SEQUENCE);
  const oid = decodeOid(c.next());
  const params = c.done ? undefined : c.next();
  c.end();
  if (params?.tag === Tag.NULL && params.value.length !== 0)
    throw new DerError('bad NULL parameters');
  return params === undefined || params.tag === Tag.NULL ? { oid } : { oid, params };
}

export type SignatureScheme = 'rsa' | 'pss' | 'ecdsa';

/** How to check one signature with crypto.verify. */
export interface SignatureParams {
  readonly scheme: SignatureScheme;
  readonly hash: string;
  readonly saltLength?: number;
}

const FIXED: Readonly<Record<string, SignatureParams>> = {
  '1.2.840.113549.1.1.5': { scheme: 'rsa', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { scheme: 'rsa', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { scheme: 'rsa', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { scheme: 'rsa', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { scheme: 'rsa', hash: 'sha512' },
  '1.2.840.10045.4.1': { scheme: 'ecdsa', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { scheme: 'ecdsa', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { scheme: 'ecdsa', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { scheme: 'ecdsa', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { scheme: 'ecdsa', hash: 'sha512' },
};

export function digestName(alg: AlgorithmIdentifier): string {
  const name = DIGEST_BY_OID[alg.oid];
  if (name === undefined) throw new DerError(`unknown digest algorithm ${alg.oid}`);
  if (alg.params) throw new DerError('digest algorithm with parameters');
  return name;
}

function pssParams(params: Tlv | undefined): SignatureParams {
  // RFC 4055 defaults (SHA-1, MGF1-SHA-1, salt 20) are SHA-1 based and get refused later.
  let hash = 'sha1';
  let mgfHash = 'sha1';
  let saltLength = 20;
  if (params !== undefined) {
    const c = new Cursor(params, Tag.SEQUENCE);
    const h = c.optional(ctx(0));
    if (h) hash = digestName(readAlgorithm(explicitInner(h)));
    const m = c.optional(ctx(1));
    if (m) {
      const mgf = readAlgorithm(explicitInner(m));
      if (mgf.oid !== OID.mgf1 || !mgf.params)
        throw new DerError('unsupported PSS mask generation');
      mgfHash = digestName(readAlgorithm(mgf.params));
    }
    const s = c.optional(ctx(2));
    if (s) saltLength = decodeSmallInt(explicitInner(s));
    const tf = c.optional(ctx(3));
    if (tf && decodeSmallInt(explicitInner(tf)) !== 1)
      throw new DerError('unsupported PSS trailer');
    c.end();
  }
  if (mgfHash !== hash) throw new DerError('PSS with different MGF1 hash is not supported');
  return { scheme: 'pss', hash, saltLength };
}

/**
 * Resolves a signature algorithm. CMS signers often name only the key type (rsaEncryption,
 * id-ecPublicKey) and leave the hash to the SignerInfo's digestAlgorithm.
 */
export function signatureParams(
  sig: AlgorithmIdentifier,
  digest?: AlgorithmIdentifier,
): SignatureParams {
  const fixed = FIXED[sig.oid];
  if (fixed) {
    if (sig.params) throw new DerError(`unexpected parameters for ${sig.oid}`);
    return fixed;
  }
  if (sig.oid === OID.rsaPss) return pssParams(sig.params);
  if (sig.params) throw new DerError(`unexpected parameters for ${sig.oid}`);
  if (digest && sig.oid === OID.rsaEncryption) return { scheme: 'rsa', hash: digestName(digest) };
  if (digest && sig.oid === OID.ecPublicKey) return { scheme: 'ecdsa', hash: digestName(digest) };
  throw new DerError(`unsupported signature algorithm ${sig.oid}`);
}

export function verifySignature(
  p: SignatureParams,
  key: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    if (p.scheme === 'pss') {
      return verify(
        p.hash,
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: p.saltLength ?? 32 },
        signature,
      );
    }
    return verify(p.hash, data, key, signature);
  } catch {
    return false;
  }
}

/** Public key facts read straight from the SPKI, without importing the key. */
export interface KeyInfo {
  readonly type: 'rsa' | 'ec' | 'other';
  readonly bits: number;
  readonly curve?: string;
  /** The subjectPublicKey BIT STRING contents (for OCSP key hashes). */
  readonly publicKey: Uint8Array;
  /** RSA modulus and exponent (rsaEncryption keys only); set means a PKCS#1 import works. */
  readonly rsa?: { readonly n: Uint8Array; readonly e: Uint8Array };
}

const CURVES: Readonly<Record<string, { name: string; bits: number }>> = {
  [OID.p256]: { name: 'P-256', bits: 256 },
  [OID.p384]: { name: 'P-384', bits: 384 },
  [OID.p521]: { name: 'P-521', bits: 521 },
};

const MAX_RSA_BITS = 16_384;

export function readKeyInfo(spki: Tlv): KeyInfo {
  const c = new Cursor(spki, Tag.SEQUENCE);
  const alg = readAlgorithm(c.next(Tag.SEQUENCE));
  const bits = c.next(Tag.BIT_STRING);
  c.end();
  if (bits.length < 2 || bits.buf[bits.valueStart] !== 0)
    throw new DerError('bad subjectPublicKey');
  const publicKey = bits.buf.subarray(bits.valueStart + 1, bits.end);
  if (alg.oid === OID.rsaEncryption || alg.oid === OID.rsaPss) {
    const rsa = new Cursor(readTlv(publicKey, 0), Tag.SEQUENCE);
    const n = rsa.next(Tag.INTEGER).value;
    const e = rsa.next(Tag.INTEGER).value;
    let i = 0;
    while (i < n.length - 1 && n[i] === 0) i++;
    const lead = n[i]!;
    const bitLen = (n.length - i - 1) * 8 + (lead === 0 ? 0 : 32 - Math.clz32(lead));
    // Bounds the cost of one verification: input keys are attacker-chosen.
    if (bitLen > MAX_RSA_BITS) throw new DerError(`RSA modulus of ${bitLen} bits is too large`);
    if (e.length > 5 || (e.length === 5 && e[0] !== 0))
      throw new DerError('RSA exponent too large');
    return {
      type: 'rsa',
      bits: bitLen,
      publicKey,
      ...(alg.oid === OID.rsaEncryption ? { rsa: { n, e } } : {}),
    };
  }
  if (alg.oid === OID.ecPublicKey) {
    if (!alg.params || alg.params.tag !== Tag.OID)
      throw new DerError('EC key without a named curve');
    const curve = CURVES[decodeOid(alg.params)];
    if (!curve) throw new DerError('unsupported EC curve');
    return { type: 'ec', bits: curve.bits, curve: curve.name, publicKey };
  }
  return { type: 'other', bits: 0, publicKey };
}

export function describeKey(k: KeyInfo): string {
  if (k.type === 'rsa') return `RSA-${k.bits}`;
  if (k.type === 'ec') return `EC ${k.curve}`;
  return 'unknown';
}

export interface AlgorithmPolicy {
  readonly minRsaBits: number;
  readonly allowedHashes: ReadonlySet<string>;
  readonly allowedCurves: ReadonlySet<string>;
}

export const DEFAULT_ALGORITHM_POLICY: AlgorithmPolicy = {
  minRsaBits: 2048,
  allowedHashes: new Set(['sha256', 'sha384', 'sha512']),
  allowedCurves: new Set(['P-256', 'P-384', 'P-521']),
};

/** Returns why an algorithm/key pair is refused, or undefined when it is acceptable. */
export function algorithmProblem(
  p: SignatureParams,
  key: KeyInfo,
  policy: AlgorithmPolicy,
): string | undefined {
  if (!policy.allowedHashes.has(p.hash)) return `hash ${p.hash} is not allowed`;
  if (key.type === 'rsa') {
    if (p.scheme === 'ecdsa') return 'ECDSA signature with an RSA key';
    if (key.bits < policy.minRsaBits)
      return `RSA key of ${key.bits} bits is below ${policy.minRsaBits}`;
    return undefined;
  }
  if (key.type === 'ec') {
    if (p.scheme !== 'ecdsa') return 'RSA signature with an EC key';
    if (!policy.allowedCurves.has(key.curve ?? '')) return `curve ${key.curve} is not allowed`;
    return undefined;
  }
  return 'unsupported key type';
}
