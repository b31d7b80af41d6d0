import type { CertificateInfo } from '@eimza/token';

export {
  validity,
  keyAlgorithmLabel,
  type Validity,
  type ValidityStatus,
} from '@eimza/diagnostics';

/** `10000000146` → `100******46`: enough for staff to match a person, not enough to copy their ID. */
export function maskTckn(tckn: string): string {
  if (tckn.length <= 5) return '*'.repeat(tckn.length);
  return `${tckn.slice(0, 3)}${'*'.repeat(tckn.length - 5)}${tckn.slice(-2)}`;
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
