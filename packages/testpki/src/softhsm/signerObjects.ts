import pkcs11js from 'pkcs11js';
import {
  findObjects,
  generateSigningKeyPair,
  importCertificate,
  keyIdFromSpki,
  objectId,
  objectValue,
  readPublicKeySpki,
  setObjectId,
  signerKeyTypeOf,
  summarizeCertificate,
  type CertificateSummary,
  type Pkcs11,
  type SignerKeyType,
} from './pkcs11Objects.js';
import type { CaKind, SignerVariant } from '../types.js';
import type { SignerIssuer } from './issuer.js';

/** The holder a token's key and certificate are made for. */
export interface SignerSpec {
  keyType: SignerKeyType;
  /** T.C. Kimlik No of the holder (11 digits). */
  tckn: string;
  /** Holder name as it goes into the certificate, e.g. "AHMET YILMAZ". */
  name: string;
  /** Which test CA issues the certificate; by default the one of the key's own kind. */
  ca?: CaKind;
  /** A certificate variant the test PKI knows (expired, revoked, ...); a valid signing certificate when omitted. */
  variant?: SignerVariant;
  /** CKA_LABEL of the key pair and certificate; default: the holder name. */
  keyLabel?: string;
}

export interface SignerObjects {
  /** CKA_ID shared by private key, public key and certificate: SHA-1 of the public key. */
  ckaId: Buffer;
  keyLabel: string;
  keyType: SignerKeyType;
  certificate: CertificateSummary;
  /** False when key and certificate were already on the token and were left alone. */
  created: boolean;
}

/**
 * Makes sure a logged-in read-write session's token holds one signing key pair and its certificate.
 * Existing key and certificate are kept; a key without certificate gets one; otherwise a fresh pair is made.
 */
export async function ensureSignerObjects(
  p11: Pkcs11,
  session: Buffer,
  issuer: SignerIssuer,
  spec: SignerSpec,
): Promise<SignerObjects> {
  const keyLabel = spec.keyLabel ?? spec.name;
  const ofClass = (objectClass: number) =>
    findObjects(p11, session, [{ type: pkcs11js.CKA_CLASS, value: objectClass }]);
  let [privateKey] = ofClass(pkcs11js.CKO_PRIVATE_KEY);
  let [publicKey] = ofClass(pkcs11js.CKO_PUBLIC_KEY);
  const [certificate] = ofClass(pkcs11js.CKO_CERTIFICATE);

  if (privateKey && publicKey) {
    const found = signerKeyTypeOf(p11, session, publicKey);
    if (found !== spec.keyType) {
      throw new Error(
        `The token already holds a ${found ?? 'different'} key, not the requested ${spec.keyType}: reset it first.`,
      );
    }
    if (certificate) {
      return {
        ckaId: objectId(p11, session, privateKey),
        keyLabel,
        keyType: spec.keyType,
        certificate: summarizeCertificate(objectValue(p11, session, certificate)),
        created: false,
      };
    }
  } else {
    // Half a key pair (an interrupted run) is useless: start the pair over.
    for (const leftover of [privateKey, publicKey])
      if (leftover) p11.C_DestroyObject(session, leftover);
    ({ privateKey, publicKey } = generateSigningKeyPair(p11, session, spec.keyType, keyLabel));
  }

  const spki = readPublicKeySpki(p11, session, publicKey, spec.keyType);
  const ckaId = keyIdFromSpki(spki);
  setObjectId(p11, session, [privateKey, publicKey], ckaId);
  const issued = await issuer.issueSigner({
    publicKey: spki,
    tckn: spec.tckn,
    name: spec.name,
    ca: spec.ca ?? (spec.keyType === 'rsa2048' ? 'rsa' : 'ec'),
    ...(spec.variant ? { variant: spec.variant } : {}),
  });
  importCertificate(p11, session, issued.der, ckaId, keyLabel);
  return {
    ckaId,
    keyLabel,
    keyType: spec.keyType,
    certificate: summarizeCertificate(issued.der),
    created: true,
  };
}
