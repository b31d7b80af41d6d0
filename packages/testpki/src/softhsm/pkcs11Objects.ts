import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import * as asn1js from 'asn1js';
import pkcs11js from 'pkcs11js';

/**
 * PKCS#11 object work shared by the SoftHSM2 and openCryptoki provisioning: on-token key generation,
 * reading the public key back as SPKI, and importing the matching certificate.
 */

export type SignerKeyType = 'rsa2048' | 'ec-p256' | 'ec-p384';

export type Pkcs11 = InstanceType<typeof pkcs11js.PKCS11>;
type Handle = Buffer;

const EC_CURVES = {
  'ec-p256': { crv: 'P-256', coordinateBytes: 32, params: '06082a8648ce3d030107' },
  'ec-p384': { crv: 'P-384', coordinateBytes: 48, params: '06052b81040022' },
} as const;

export interface SignerKeyPair {
  privateKey: Handle;
  publicKey: Handle;
}

/** Generates a non-extractable, signing-only key pair on the token, with the same CKA_LABEL on both halves. */
export function generateSigningKeyPair(
  p11: Pkcs11,
  session: Handle,
  keyType: SignerKeyType,
  label: string,
): SignerKeyPair {
  const common = [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_LABEL, value: label },
  ];
  const publicTemplate = [
    ...common,
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
    { type: pkcs11js.CKA_PRIVATE, value: false },
    { type: pkcs11js.CKA_VERIFY, value: true },
    { type: pkcs11js.CKA_ENCRYPT, value: false },
    { type: pkcs11js.CKA_WRAP, value: false },
  ];
  const privateTemplate = [
    ...common,
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_SIGN, value: true },
    { type: pkcs11js.CKA_DECRYPT, value: false },
    { type: pkcs11js.CKA_UNWRAP, value: false },
    { type: pkcs11js.CKA_DERIVE, value: false },
  ];
  if (keyType === 'rsa2048') {
    return p11.C_GenerateKeyPair(
      session,
      { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
      [
        ...publicTemplate,
        { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA },
        { type: pkcs11js.CKA_MODULUS_BITS, value: 2048 },
        { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
      ],
      [...privateTemplate, { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA }],
    );
  }
  return p11.C_GenerateKeyPair(
    session,
    { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN },
    [
      ...publicTemplate,
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC },
      { type: pkcs11js.CKA_EC_PARAMS, value: Buffer.from(EC_CURVES[keyType].params, 'hex') },
    ],
    [...privateTemplate, { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC }],
  );
}

function attribute(p11: Pkcs11, session: Handle, object: Handle, type: number): Buffer {
  const [result] = p11.C_GetAttributeValue(session, object, [{ type }]);
  if (!result?.value)
    throw new Error(`The token returned no value for attribute 0x${type.toString(16)}`);
  return result.value;
}

/** The key type of an on-token key, in this module's terms (undefined for anything else). */
export function signerKeyTypeOf(
  p11: Pkcs11,
  session: Handle,
  publicKey: Handle,
): SignerKeyType | undefined {
  const keyType = attribute(p11, session, publicKey, pkcs11js.CKA_KEY_TYPE).readUInt32LE(0);
  if (keyType === pkcs11js.CKK_RSA) {
    const modulus = attribute(p11, session, publicKey, pkcs11js.CKA_MODULUS);
    return modulus.length === 256 ? 'rsa2048' : undefined;
  }
  if (keyType === pkcs11js.CKK_EC) {
    const params = attribute(p11, session, publicKey, pkcs11js.CKA_EC_PARAMS).toString('hex');
    for (const [name, curve] of Object.entries(EC_CURVES)) {
      if (curve.params === params) return name as SignerKeyType;
    }
  }
  return undefined;
}

/** CKA_EC_POINT is a DER OCTET STRING around the point on most modules, the bare point on a few. */
function uncompressedPoint(ecPoint: Buffer, coordinateBytes: number): Buffer {
  if (ecPoint.length === 2 * coordinateBytes + 1 && ecPoint[0] === 0x04) return ecPoint;
  const parsed = asn1js.fromBER(ecPoint);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.OctetString)) {
    throw new Error('The token returned an EC point that is neither raw nor a DER OCTET STRING');
  }
  return Buffer.from(parsed.result.valueBlock.valueHexView);
}

/** Reads an on-token public key back as a DER SubjectPublicKeyInfo. */
export function readPublicKeySpki(
  p11: Pkcs11,
  session: Handle,
  publicKey: Handle,
  keyType: SignerKeyType,
): Uint8Array {
  if (keyType === 'rsa2048') {
    const n = attribute(p11, session, publicKey, pkcs11js.CKA_MODULUS);
    const e = attribute(p11, session, publicKey, pkcs11js.CKA_PUBLIC_EXPONENT);
    const key = createPublicKey({
      key: { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') },
      format: 'jwk',
    });
    return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
  }
  const curve = EC_CURVES[keyType];
  const point = uncompressedPoint(
    attribute(p11, session, publicKey, pkcs11js.CKA_EC_POINT),
    curve.coordinateBytes,
  );
  const x = point.subarray(1, 1 + curve.coordinateBytes);
  const y = point.subarray(1 + curve.coordinateBytes);
  const key = createPublicKey({
    key: { kty: 'EC', crv: curve.crv, x: x.toString('base64url'), y: y.toString('base64url') },
    format: 'jwk',
  });
  return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
}

/** SHA-1 of the subjectPublicKey bits: the usual CKA_ID, equal to the RFC 5280 method-1 key identifier. */
export function keyIdFromSpki(spki: Uint8Array): Buffer {
  const parsed = asn1js.fromBER(spki);
  const bits =
    parsed.result instanceof asn1js.Sequence ? parsed.result.valueBlock.value[1] : undefined;
  if (parsed.offset === -1 || !(bits instanceof asn1js.BitString)) {
    throw new Error('Not a DER SubjectPublicKeyInfo');
  }
  return createHash('sha1').update(bits.valueBlock.valueHexView).digest();
}

export function setObjectId(p11: Pkcs11, session: Handle, objects: Handle[], id: Buffer): void {
  for (const object of objects)
    p11.C_SetAttributeValue(session, object, [{ type: pkcs11js.CKA_ID, value: id }]);
}

export function findObjects(
  p11: Pkcs11,
  session: Handle,
  template: { type: number; value: number | boolean | string | Buffer }[],
): Handle[] {
  p11.C_FindObjectsInit(session, template);
  try {
    return p11.C_FindObjects(session, 100);
  } finally {
    p11.C_FindObjectsFinal(session);
  }
}

export function objectId(p11: Pkcs11, session: Handle, object: Handle): Buffer {
  return attribute(p11, session, object, pkcs11js.CKA_ID);
}

export function objectValue(p11: Pkcs11, session: Handle, object: Handle): Uint8Array {
  return new Uint8Array(attribute(p11, session, object, pkcs11js.CKA_VALUE));
}

/** The exact DER of the fields PKCS#11 wants beside a certificate (re-encoding could change them). */
export interface CertificateFields {
  subject: Buffer;
  issuer: Buffer;
  /** DER INTEGER, as CKA_SERIAL_NUMBER holds it. */
  serialNumber: Buffer;
}

export function certificateFields(der: Uint8Array): CertificateFields {
  const parsed = asn1js.fromBER(der);
  const tbs =
    parsed.result instanceof asn1js.Sequence ? parsed.result.valueBlock.value[0] : undefined;
  if (parsed.offset === -1 || !(tbs instanceof asn1js.Sequence))
    throw new Error('Not a DER certificate');
  const items = tbs.valueBlock.value;
  // The optional [0] version comes first in v3 certificates.
  const first = items[0]?.idBlock.tagClass === 3 ? 1 : 0;
  const field = (index: number): Buffer => {
    const item = items[first + index];
    if (!item) throw new Error('Truncated TBSCertificate');
    return Buffer.from(item.valueBeforeDecodeView);
  };
  return { serialNumber: field(0), issuer: field(2), subject: field(4) };
}

export function importCertificate(
  p11: Pkcs11,
  session: Handle,
  der: Uint8Array,
  id: Buffer,
  label: string,
): Handle {
  const fields = certificateFields(der);
  return p11.C_CreateObject(session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
    { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: false },
    { type: pkcs11js.CKA_ID, value: id },
    { type: pkcs11js.CKA_LABEL, value: label },
    { type: pkcs11js.CKA_SUBJECT, value: fields.subject },
    { type: pkcs11js.CKA_ISSUER, value: fields.issuer },
    { type: pkcs11js.CKA_SERIAL_NUMBER, value: fields.serialNumber },
    { type: pkcs11js.CKA_VALUE, value: Buffer.from(der) },
  ]);
}

/** What a provisioning step reports about one certificate (node:crypto parses it: no reflect polyfill needed). */
export interface CertificateSummary {
  der: Uint8Array;
  serialNumberHex: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
}

export function summarizeCertificate(der: Uint8Array): CertificateSummary {
  const certificate = new X509Certificate(der);
  // Node lists the name's attributes one per line, in encoding order.
  const name = (lines: string) => lines.split('\n').join(', ');
  return {
    der,
    serialNumberHex: certificate.serialNumber.toLowerCase().replace(/^(?:00)+(?=.)/u, ''),
    subject: name(certificate.subject),
    issuer: name(certificate.issuer),
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
  };
}

/** Slot ids are CK_ULONG: keep them as decimal strings, as the token layer does. */
export function slotIdString(slot: Handle): string {
  return slot.length >= 8 ? slot.readBigUInt64LE(0).toString() : slot.readUInt32LE(0).toString();
}

export function trimPadded(value: string): string {
  return value.replace(/[\s\0]+$/u, '');
}
