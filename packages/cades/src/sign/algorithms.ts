import * as asn1js from 'asn1js';

/** Digest algorithms a CAdES signature can be made with. */
export type HashAlgorithm = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** How the signer's key turns the digest into a signature. */
export type SignatureScheme = 'pkcs1' | 'pss' | 'ecdsa';

export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['SHA-256', 'SHA-384', 'SHA-512'];

const HASH_OIDS: Record<HashAlgorithm, string> = {
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3',
};

const HASH_LENGTHS: Record<HashAlgorithm, number> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

const NODE_HASH_NAMES: Record<HashAlgorithm, string> = {
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

const RSA_PKCS1_OIDS: Record<HashAlgorithm, string> = {
  'SHA-256': '1.2.840.113549.1.1.11',
  'SHA-384': '1.2.840.113549.1.1.12',
  'SHA-512': '1.2.840.113549.1.1.13',
};

const ECDSA_OIDS: Record<HashAlgorithm, string> = {
  'SHA-256': '1.2.840.10045.4.3.2',
  'SHA-384': '1.2.840.10045.4.3.3',
  'SHA-512': '1.2.840.10045.4.3.4',
};

const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
const OID_MGF1 = '1.2.840.113549.1.1.8';

export function hashOid(hash: HashAlgorithm): string {
  return HASH_OIDS[hash];
}

export function hashLength(hash: HashAlgorithm): number {
  return HASH_LENGTHS[hash];
}

/** The name node:crypto knows the hash by. */
export function nodeHashName(hash: HashAlgorithm): string {
  return NODE_HASH_NAMES[hash];
}

export function isHashAlgorithm(value: unknown): value is HashAlgorithm {
  return typeof value === 'string' && value in HASH_OIDS;
}

/**
 * AlgorithmIdentifier of a SHA-2 digest. Parameters are absent, as RFC 5754 section 2 asks
 * (and as OpenSSL writes them).
 */
export function digestAlgorithmIdentifier(hash: HashAlgorithm): asn1js.Sequence {
  return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: HASH_OIDS[hash] })] });
}

/** RSASSA-PSS-params (RFC 4055): MGF1 with the same hash, salt as long as the hash, trailer 1. */
function pssParameters(hash: HashAlgorithm): asn1js.Sequence {
  const explicit = (tagNumber: number, value: asn1js.BaseBlock) =>
    new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value: [value] });
  const mgf1 = new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: OID_MGF1 }), digestAlgorithmIdentifier(hash)],
  });
  return new asn1js.Sequence({
    value: [
      explicit(0, digestAlgorithmIdentifier(hash)),
      explicit(1, mgf1),
      explicit(2, new asn1js.Integer({ value: HASH_LENGTHS[hash] })),
    ],
  });
}

/**
 * The SignerInfo signatureAlgorithm: sha*WithRSAEncryption (NULL parameters, RFC 4055),
 * id-RSASSA-PSS with its parameters, or ecdsa-with-SHA* (no parameters, RFC 5758).
 */
export function signatureAlgorithmIdentifier(
  scheme: SignatureScheme,
  hash: HashAlgorithm,
): asn1js.Sequence {
  switch (scheme) {
    case 'pkcs1':
      return new asn1js.Sequence({
        value: [new asn1js.ObjectIdentifier({ value: RSA_PKCS1_OIDS[hash] }), new asn1js.Null()],
      });
    case 'pss':
      return new asn1js.Sequence({
        value: [new asn1js.ObjectIdentifier({ value: OID_RSASSA_PSS }), pssParameters(hash)],
      });
    case 'ecdsa':
      return new asn1js.Sequence({
        value: [new asn1js.ObjectIdentifier({ value: ECDSA_OIDS[hash] })],
      });
  }
}
