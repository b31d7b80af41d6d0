import type { CertificateInfo, KeyAlgorithm } from '@eimza/token';

const DAY_MS = 24 * 60 * 60 * 1000;

export type ValidityStatus = 'notYetValid' | 'expired' | 'expires7' | 'expires30' | 'valid';

export interface Validity {
  status: ValidityStatus;
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number;
}

/** Warns at 30 and 7 days before expiry, the thresholds the helpdesk uses to tell users to renew. */
export function validity(
  cert: Pick<CertificateInfo, 'notBefore' | 'notAfter'>,
  now: Date,
): Validity {
  const daysLeft = Math.floor((cert.notAfter.getTime() - now.getTime()) / DAY_MS);
  if (now < cert.notBefore) return { status: 'notYetValid', daysLeft };
  if (now > cert.notAfter) return { status: 'expired', daysLeft };
  if (daysLeft < 7) return { status: 'expires7', daysLeft };
  if (daysLeft < 30) return { status: 'expires30', daysLeft };
  return { status: 'valid', daysLeft };
}

export function keyAlgorithmLabel(algorithm: KeyAlgorithm): string {
  return algorithm.name === 'RSA' ? `RSA ${algorithm.bits}` : `EC ${algorithm.curve}`;
}

/** What a support bundle may carry about a certificate: its public contents, never key material. */
export function publicCertificateData(cert: CertificateInfo): Record<string, unknown> {
  return {
    id: cert.id,
    tokenLabel: cert.tokenLabel,
    tokenSerial: cert.tokenSerial,
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumberHex: cert.serialNumberHex,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    keyAlgorithm: keyAlgorithmLabel(cert.keyAlgorithm),
    keyUsage: cert.keyUsage,
    hasPrivateKey: cert.hasPrivateKey,
    fingerprintSha256: cert.fingerprintSha256,
    certificatePem: toPem(cert.der),
  };
}

function toPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`;
}
