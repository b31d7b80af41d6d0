import { webcrypto } from 'node:crypto';
import type { KeyAlgorithmName, SignatureHash } from './types.js';
import { type Bytes, toBytes, toPem } from './der.js';

export const subtle = webcrypto.subtle as SubtleCrypto;

export interface GeneratedKeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

const RSA_BITS: Partial<Record<KeyAlgorithmName, number>> = {
  rsa1024: 1024,
  rsa2048: 2048,
  rsa3072: 3072,
};
const EC_CURVES: Partial<Record<KeyAlgorithmName, string>> = {
  'ec-p256': 'P-256',
  'ec-p384': 'P-384',
};

export function isRsa(algorithm: KeyAlgorithmName): boolean {
  return algorithm in RSA_BITS;
}

/** The signature hash that matches a key: SHA-384 for P-384, SHA-256 otherwise. */
export function defaultHashFor(algorithm: KeyAlgorithmName): SignatureHash {
  return algorithm === 'ec-p384' ? 'SHA-384' : 'SHA-256';
}

function importAlgorithm(
  algorithm: KeyAlgorithmName,
  hash: SignatureHash,
): RsaHashedImportParams | EcKeyImportParams {
  const curve = EC_CURVES[algorithm];
  if (curve) return { name: 'ECDSA', namedCurve: curve };
  return { name: 'RSASSA-PKCS1-v1_5', hash };
}

export async function generateKeyPair(algorithm: KeyAlgorithmName): Promise<GeneratedKeyPair> {
  const bits = RSA_BITS[algorithm];
  const params: RsaHashedKeyGenParams | EcKeyGenParams = bits
    ? {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: bits,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      }
    : { name: 'ECDSA', namedCurve: EC_CURVES[algorithm] as string };
  const pair = (await subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
  return { privateKey: pair.privateKey, publicKey: pair.publicKey };
}

export async function exportPkcs8(key: CryptoKey): Promise<Bytes> {
  return toBytes(await subtle.exportKey('pkcs8', key));
}

export async function exportPkcs8Pem(key: CryptoKey): Promise<string> {
  return toPem('PRIVATE KEY', await exportPkcs8(key));
}

/** Imports a PKCS#8 key; for RSA the WebCrypto key is bound to one hash, so the hash is chosen here. */
export async function importPkcs8(
  der: Uint8Array,
  algorithm: KeyAlgorithmName,
  hash: SignatureHash = defaultHashFor(algorithm),
): Promise<CryptoKey> {
  return subtle.importKey('pkcs8', toBytes(der), importAlgorithm(algorithm, hash), true, ['sign']);
}

/** Parameters for subtle.sign with this key and hash. */
export function signParams(key: CryptoKey, hash: SignatureHash): AlgorithmIdentifier | EcdsaParams {
  return key.algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash } : { name: 'RSASSA-PKCS1-v1_5' };
}
