import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { RSAPublicKey } from '@peculiar/asn1-rsa';
import { ECParameters } from '@peculiar/asn1-ecc';
import { KeyUsageFlags, KeyUsagesExtension, X509Certificate } from '@peculiar/x509';
import type { CertificateInfo, KeyAlgorithm } from './types.js';

const OID_RSA = '1.2.840.113549.1.1.1';
const OID_EC = '1.2.840.10045.2.1';
const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
};

const KEY_USAGE_NAMES: [KeyUsageFlags, string][] = [
  [KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [KeyUsageFlags.cRLSign, 'cRLSign'],
  [KeyUsageFlags.encipherOnly, 'encipherOnly'],
  [KeyUsageFlags.decipherOnly, 'decipherOnly'],
];

/** Thrown for a key type the layer cannot sign with (neither RSA nor a NIST P curve). */
export class UnsupportedKeyError extends Error {}

export function keyAlgorithmOf(spkiDer: Uint8Array): KeyAlgorithm {
  const spki = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo);
  const oid = spki.algorithm.algorithm;
  if (oid === OID_RSA) {
    const key = AsnConvert.parse(spki.subjectPublicKey, RSAPublicKey);
    return { name: 'RSA', bits: bitLength(new Uint8Array(key.modulus)) };
  }
  if (oid === OID_EC && spki.algorithm.parameters) {
    const params = AsnConvert.parse(spki.algorithm.parameters, ECParameters);
    const curve = params.namedCurve ? CURVES[params.namedCurve] : undefined;
    if (curve) return { name: 'EC', curve };
    throw new UnsupportedKeyError(
      `unsupported EC curve ${params.namedCurve ?? '(explicit parameters)'}`,
    );
  }
  throw new UnsupportedKeyError(`unsupported key algorithm ${oid}`);
}

function bitLength(unsignedBigEndian: Uint8Array): number {
  let start = 0;
  while (start < unsignedBigEndian.length && unsignedBigEndian[start] === 0) start++;
  if (start === unsignedBigEndian.length) return 0;
  return (
    (unsignedBigEndian.length - start - 1) * 8 + (32 - Math.clz32(unsignedBigEndian[start] ?? 0))
  );
}

/**
 * The T.C. Kimlik No in a subject serialNumber. Turkish qualified certificates write it bare or with a prefix
 * (`TCKN12345678901`, `IDCTR-12345678901`, ETSI's `PNOTR-...`); only an 11-digit number is accepted.
 */
export function tcknFromSerialNumber(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const stripped = value.trim().replace(/^(TCKN|IDCTR|PNOTR|TINTR)[-:]?/i, '');
  return /^[1-9]\d{10}$/.test(stripped) ? stripped : undefined;
}

export interface CertificateObject {
  tokenSerial: string;
  tokenLabel: string;
  moduleName: string;
  ckaId: string;
  label: string;
  der: Uint8Array;
  hasPrivateKey: boolean;
}

export function describeCertificate(object: CertificateObject): CertificateInfo {
  const cert = new X509Certificate(new Uint8Array(object.der));
  const keyUsageExt = cert.getExtension(KeyUsagesExtension);
  const keyUsage = keyUsageExt
    ? KEY_USAGE_NAMES.filter(([flag]) => (keyUsageExt.usages & flag) !== 0).map(([, name]) => name)
    : [];
  const commonName = cert.subjectName.getField('CN')[0];
  const tckn = tcknFromSerialNumber(cert.subjectName.getField('2.5.4.5')[0]);
  const info: CertificateInfo = {
    id: `${object.tokenSerial}:${object.ckaId}`,
    tokenSerial: object.tokenSerial,
    tokenLabel: object.tokenLabel,
    moduleName: object.moduleName,
    ckaId: object.ckaId,
    label: object.label,
    der: object.der,
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumberHex: cert.serialNumber.toLowerCase(),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    keyUsage,
    nonRepudiation: keyUsage.includes('nonRepudiation'),
    keyAlgorithm: keyAlgorithmOf(new Uint8Array(cert.publicKey.rawData)),
    hasPrivateKey: object.hasPrivateKey,
    fingerprintSha256: createHash('sha256').update(object.der).digest('hex'),
  };
  if (commonName) info.commonName = commonName;
  if (tckn) info.tckn = tckn;
  return info;
}

/** Signing (nonRepudiation) certificates first, then those with a key, then the latest expiry. */
export function compareCertificates(a: CertificateInfo, b: CertificateInfo): number {
  return (
    Number(b.nonRepudiation) - Number(a.nonRepudiation) ||
    Number(b.hasPrivateKey) - Number(a.hasPrivateKey) ||
    b.notAfter.getTime() - a.notAfter.getTime() ||
    a.id.localeCompare(b.id)
  );
}
