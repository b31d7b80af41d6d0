import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { bytesEqual, bytesHash } from '../der/reader.js';
import type { Certificate } from './certificate.js';

interface CachedKey {
  readonly spki: Uint8Array;
  readonly key: KeyObject;
}

/**
 * KeyObjects by SubjectPublicKeyInfo: CA keys, and the keys of signers who sign again (a
 * smart card keeps its key across certificates and sessions). Importing costs a quarter of a
 * verification, and OpenSSL's first use of a new key costs another third; a hit costs neither.
 */
const keys = new Map<number, CachedKey>();
const LIMIT = 10_000;

const view = (v: Uint8Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

function ecJwk(cert: Certificate): JsonWebKey | undefined {
  const k = cert.key;
  const size = (k.publicKey.length - 1) / 2;
  if (k.type !== 'ec' || k.publicKey[0] !== 0x04 || !Number.isInteger(size)) return undefined;
  return {
    kty: 'EC',
    crv: k.curve,
    x: view(k.publicKey.subarray(1, 1 + size)).toString('base64url'),
    y: view(k.publicKey.subarray(1 + size)).toString('base64url'),
  };
}

/**
 * RSA keys are imported from the RSAPublicKey inside the SPKI (PKCS#1), EC keys as a JWK. An
 * SPKI import goes through OpenSSL 3's generic decoder, which costs 15x more for RSA
 * (measured: 166 µs vs 5-10 µs per RSA-2048 key) and about 2x for EC.
 */
function importKey(cert: Certificate): KeyObject {
  try {
    if (cert.key.rsa)
      return createPublicKey({ key: view(cert.key.publicKey), format: 'der', type: 'pkcs1' });
    const jwk = ecJwk(cert);
    if (jwk) return createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    // Fall through to the SPKI import, which reports its own error.
  }
  return createPublicKey({ key: view(cert.spki), format: 'der', type: 'spki' });
}

/** Keys of certificate objects seen before (cached CA and anchor certificates). */
const byCertificate = new WeakMap<Certificate, KeyObject>();

/** The certificate's public key as a KeyObject, imported once per distinct SPKI. */
export function publicKeyOf(cert: Certificate): KeyObject {
  const known = byCertificate.get(cert);
  if (known) return known;
  const key = keyOfSpki(cert);
  if (cert.basicConstraints?.cA) byCertificate.set(cert, key);
  return key;
}

function keyOfSpki(cert: Certificate): KeyObject {
  const spki = cert.spki;
  // The key's last bytes are a near-unique index; a hit must still match the whole SPKI.
  const id = bytesHash(spki, Math.max(0, spki.length - 32));
  const hit = keys.get(id);
  if (hit && bytesEqual(hit.spki, spki)) return hit.key;
  const key = importKey(cert);
  if (keys.size >= LIMIT) keys.clear();
  // A copy: the SPKI is a view into the whole input, which the cache must not keep alive.
  keys.set(id, { spki: spki.slice(), key });
  return key;
}
