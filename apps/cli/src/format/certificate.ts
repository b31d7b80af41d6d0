import type { CertificateInfo, KeyAlgorithm } from '@eimza/token';

const DAY_MS = 24 * 60 * 60 * 1000;

/** `10000000146` → `100******46`: enough for staff to match a person, not enough to copy their ID. */
export function maskTckn(tckn: string): string {
  if (tckn.length <= 5) return '*'.repeat(tckn.length);
  return `${tckn.slice(0, 3)}${'*'.repeat(tckn.length - 5)}${tckn.slice(-2)}`;
}

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

/** Signing-capable: a private key beside it and a key usage that allows signatures. */
export function canSign(cert: Pick<CertificateInfo, 'hasPrivateKey' | 'keyUsage'>): boolean {
  if (!cert.hasPrivateKey) return false;
  if (cert.keyUsage.length === 0) return true;
  return cert.keyUsage.includes('digitalSignature') || cert.keyUsage.includes('nonRepudiation');
}

/** `dd.MM.yyyy HH:mm` in UTC, the date style the portal shows, independent of the machine's locale. */
export function formatDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}.${pad(date.getUTCMonth() + 1)}.${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}
