import type { X509Certificate } from '@peculiar/x509';

/** The two issuing hierarchies of the test authority. */
export type CaKind = 'rsa' | 'ec';

/** Every certificate-issuing authority, including the rogue ones that no anchor trusts. */
export type AuthorityId = CaKind | 'rogue-rsa' | 'rogue-ec';

/**
 * The self-signed roots. Each answers OCSP and publishes a CRL for the certificates it issued
 * itself (the issuing CAs and the TSA), so that their revocation can be checked and tested.
 */
export type RootName = 'root-rsa' | 'root-ec' | 'root-rogue';

/**
 * How the OCSP responders treat a request nonce: echo it (RFC 8954, the default), leave it out
 * (as many real responders that pre-sign their answers do), or echo a corrupted copy.
 */
export type OcspNonceMode = 'echo' | 'omit' | 'corrupt';

export type SignerVariant =
  'valid' | 'expired' | 'notYetValid' | 'revoked' | 'noNonRepudiation' | 'untrusted';

export type KeyAlgorithmName = 'rsa1024' | 'rsa2048' | 'rsa3072' | 'ec-p256' | 'ec-p384';

export type SignatureHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** RFC 5280 CRLReason names (value 7 is unused in the standard). */
export type RevocationReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'removeFromCRL'
  | 'privilegeWithdrawn'
  | 'aACompromise';

/** A certificate in the three forms callers need. */
export interface CertificateMaterial {
  der: Uint8Array<ArrayBuffer>;
  pem: string;
  /** Lower-case hex without leading zero octets, as @peculiar/x509 prints it. */
  serialHex: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  x509: X509Certificate;
}

export interface Revocation {
  date: Date;
  reason: RevocationReason;
}

/** An end-entity NES certificate and what it was issued for. */
export interface IssuedCertificate extends CertificateMaterial {
  authority: AuthorityId;
  ca: CaKind;
  variant: SignerVariant;
  tckn: string;
  name: string;
  /** Issuing CA first, then its root. */
  chain: CertificateMaterial[];
  revocation?: Revocation;
}

export interface IssueSignerOptions {
  /** A CryptoKey, or the SubjectPublicKeyInfo DER (e.g. read from a PKCS#11 token). */
  publicKey: CryptoKey | ArrayBuffer | Uint8Array;
  tckn: string;
  /** "NAME SURNAME", used as the CN. */
  name: string;
  givenName?: string;
  surname?: string;
  ca: CaKind;
  variant?: SignerVariant;
  /** Hex serial; random 16 octets when omitted. */
  serial?: string;
  /** Hash of the issuer's signature over the certificate; the CA's default when omitted. */
  signatureHash?: SignatureHash;
  /** For variant 'revoked': when and why (defaults: one hour ago, keyCompromise). */
  revokedAt?: Date;
  revocationReason?: RevocationReason;
  notBefore?: Date;
  notAfter?: Date;
}

export interface IssueSignerWithKeyOptions extends Omit<IssueSignerOptions, 'publicKey'> {
  keyAlgorithm?: KeyAlgorithmName;
}

export interface SignerWithKey {
  certificate: IssuedCertificate;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"). */
  privateKeyPem: string;
  privateKeyDer: Uint8Array<ArrayBuffer>;
  keyAlgorithm: KeyAlgorithmName;
}

export interface PkiUrls {
  ocsp(authority: AuthorityId): string;
  crl(authority: AuthorityId): string;
  caIssuers(authority: AuthorityId): string;
  /** OCSP responder of a root, named in the AIA of the certificates the root issued. */
  rootOcsp(root: RootName): string;
  /** CRL of a root, named in the CDP of the certificates the root issued. */
  rootCrl(root: RootName): string;
  tsa: string;
}

export interface CreateTestPkiOptions {
  /** Origin that certificate URLs (OCSP, CRL, caIssuers) point at, e.g. http://127.0.0.1:18780. */
  baseUrl?: string;
  /** RSA root key size (default 2048 to keep generation fast). */
  rsaRootBits?: 2048 | 3072 | 4096;
  /**
   * Hierarchies whose delegated OCSP responder certificate carries no id-pkix-ocsp-nocheck but a
   * CRL distribution point of its issuing CA (`urls.crl(ca)`), so that a client must check the
   * responder's own revocation (RFC 6960 4.2.2.2.1); `revokeEntity('ocsp-rsa')` then lists it on
   * that CRL. Default: none (every responder carries id-pkix-ocsp-nocheck).
   */
  checkedOcspResponders?: readonly CaKind[];
}

export type OcspCertStatus = 'good' | 'revoked' | 'unknown';

export interface PkiServices {
  url: string;
  port: number;
  close(): Promise<void>;
}
