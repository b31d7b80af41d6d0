import { createHash } from 'node:crypto';
import type { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import type { SignatureHash } from './types.js';
import type { EntityName } from './authorities.js';
import type { TestPki } from './pki.js';
import { signatureAlgorithmIdentifier } from './algorithms.js';
import { type Bytes, ecdsaRawToDer, toBytes } from './der.js';
import { signParams, subtle } from './keys.js';

export interface Signature {
  value: Bytes;
  algorithm: AlgorithmIdentifier;
}

/** Signs with an entity's key and returns the signature in the DER form X.509, OCSP and CMS carry. */
export async function signAs(pki: TestPki, name: EntityName, data: Uint8Array): Promise<Signature> {
  const entity = pki.entity(name);
  const hash: SignatureHash = entity.blueprint.hash;
  const key = await pki.signingKey(name, hash);
  const raw = toBytes(await subtle.sign(signParams(key, hash), key, toBytes(data)));
  const value = key.algorithm.name === 'ECDSA' ? ecdsaRawToDer(raw) : raw;
  return { value, algorithm: signatureAlgorithmIdentifier(key.algorithm.name, hash) };
}

const NODE_HASH_NAMES: Record<SignatureHash, string> = {
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

export function digest(hash: SignatureHash, data: ArrayBuffer | Uint8Array): Bytes {
  return toBytes(createHash(NODE_HASH_NAMES[hash]).update(toBytes(data)).digest());
}
