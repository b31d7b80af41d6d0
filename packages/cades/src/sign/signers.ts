import { KeyObject, constants, sign as nodeSign } from 'node:crypto';
import type { SigningSession } from '@eimza/token';
import {
  hashLength,
  nodeHashName,
  type HashAlgorithm,
  type SignatureScheme,
} from './algorithms.js';

/** What `signCades` tells the signer besides the digest. */
export interface SignRequest {
  scheme: SignatureScheme;
  /**
   * The DER SET OF signed attributes that `digest` was computed over, for signers that can
   * only hash for themselves (WebCrypto, node:crypto). A token signs `digest`.
   */
  signedAttributes: Uint8Array;
}

/**
 * Signs the digest of the signed attributes and returns the signature value: the RSA
 * signature octets (PKCS#1 v1.5, or PSS with MGF1 of the same hash and a salt as long as the
 * hash), or a DER ECDSA-Sig-Value.
 */
export type CadesSignFunction = (
  digest: Uint8Array,
  hash: HashAlgorithm,
  request: SignRequest,
) => Promise<Uint8Array>;

/**
 * A signer over a private key held in memory (tests, benchmarks, software keys).
 * It signs the encoded attributes with node:crypto, which hashes them to the same digest.
 */
export function keySigner(privateKey: KeyObject | CryptoKey): CadesSignFunction {
  const key = privateKey instanceof KeyObject ? privateKey : KeyObject.from(privateKey);
  return async (_digest, hash, { scheme, signedAttributes }) => {
    const signature = nodeSign(nodeHashName(hash), signedAttributes, {
      key,
      dsaEncoding: 'der',
      ...(scheme === 'pss'
        ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hashLength(hash) }
        : {}),
    });
    return new Uint8Array(signature);
  };
}

/**
 * A signer over a logged-in token session: the private key stays on the token, which signs
 * the digest (CKM_RSA_PKCS over a DigestInfo, CKM_RSA_PKCS_PSS, or raw CKM_ECDSA).
 * Only the session's type is imported, so @eimza/cades loads without PKCS#11.
 */
export function tokenSigner(session: Pick<SigningSession, 'signDigest'>): CadesSignFunction {
  return (digest, hash, { scheme }) =>
    session.signDigest(digest, scheme === 'ecdsa' ? { hash } : { hash, scheme });
}
