import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import type { SignatureHash } from './types.js';

const DER_NULL = () => Uint8Array.of(0x05, 0x00).buffer;

export const DIGEST_OIDS: Record<SignatureHash, string> = {
  'SHA-1': '1.3.14.3.2.26',
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3',
};

const RSA_SIGNATURE_OIDS: Record<SignatureHash, string> = {
  'SHA-1': '1.2.840.113549.1.1.5',
  'SHA-256': '1.2.840.113549.1.1.11',
  'SHA-384': '1.2.840.113549.1.1.12',
  'SHA-512': '1.2.840.113549.1.1.13',
};

const ECDSA_SIGNATURE_OIDS: Record<SignatureHash, string> = {
  'SHA-1': '1.2.840.10045.4.1',
  'SHA-256': '1.2.840.10045.4.3.2',
  'SHA-384': '1.2.840.10045.4.3.3',
  'SHA-512': '1.2.840.10045.4.3.4',
};

export function digestAlgorithmIdentifier(hash: SignatureHash): AlgorithmIdentifier {
  return new AlgorithmIdentifier({ algorithm: DIGEST_OIDS[hash] });
}

export function hashFromDigestOid(oid: string): SignatureHash | undefined {
  return (Object.keys(DIGEST_OIDS) as SignatureHash[]).find((hash) => DIGEST_OIDS[hash] === oid);
}

export function signatureAlgorithmIdentifier(
  keyAlgorithmName: string,
  hash: SignatureHash,
): AlgorithmIdentifier {
  if (keyAlgorithmName === 'ECDSA') {
    return new AlgorithmIdentifier({ algorithm: ECDSA_SIGNATURE_OIDS[hash] });
  }
  return new AlgorithmIdentifier({ algorithm: RSA_SIGNATURE_OIDS[hash], parameters: DER_NULL() });
}

export const DIGEST_LENGTHS: Record<SignatureHash, number> = {
  'SHA-1': 20,
  'SHA-256': 32,
  'SHA-384': 48,
  'SHA-512': 64,
};
