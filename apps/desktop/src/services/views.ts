import type { CertificateChoices } from '@eimza/client';
import { maskTckn, type Challenge } from '@eimza/protocol';
import type { CertificateInfo, KeyAlgorithm, TokenInfo } from '@eimza/token';
import type {
  CertificateChoicesView,
  CertificateView,
  ChallengeView,
  ExpiryStatus,
  TokenView,
} from '../shared/ipc.js';

const DAY_MS = 86_400_000;
export const EXPIRING_SOON_DAYS = 30;

/** The CN of an RFC 4514 name (`CN=…, O=…`), escapes undone; the whole name when it has none. */
export function commonNameOf(name: string): string {
  const match = /(?:^|,)\s*CN=((?:\\.|[^,\\])*)/i.exec(name);
  if (!match) return name;
  return match[1]!.trim().replace(/\\(.)/g, '$1');
}

export function keyAlgorithmLabel(algorithm: KeyAlgorithm): string {
  return algorithm.name === 'RSA' ? `RSA ${algorithm.bits}` : `EC ${algorithm.curve}`;
}

export function expiryOf(
  notBefore: Date,
  notAfter: Date,
  now: Date,
): {
  expiry: ExpiryStatus;
  daysLeft: number;
} {
  const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  if (now.getTime() < notBefore.getTime()) return { expiry: 'not-yet-valid', daysLeft };
  if (now.getTime() > notAfter.getTime()) return { expiry: 'expired', daysLeft };
  return { expiry: daysLeft <= EXPIRING_SOON_DAYS ? 'expiring-soon' : 'valid', daysLeft };
}

export function certificateView(certificate: CertificateInfo, now: Date): CertificateView {
  return {
    id: certificate.id,
    tokenSerial: certificate.tokenSerial,
    tokenLabel: certificate.tokenLabel,
    moduleName: certificate.moduleName,
    ...(certificate.commonName ? { commonName: certificate.commonName } : {}),
    subject: certificate.subject,
    issuer: certificate.issuer,
    issuerName: commonNameOf(certificate.issuer),
    ...(certificate.tckn ? { tcknMasked: maskTckn(certificate.tckn) } : {}),
    serialNumberHex: certificate.serialNumberHex,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    ...expiryOf(certificate.notBefore, certificate.notAfter, now),
    keyAlgorithm: keyAlgorithmLabel(certificate.keyAlgorithm),
    keyUsage: [...certificate.keyUsage],
    nonRepudiation: certificate.nonRepudiation,
    fingerprintSha256: certificate.fingerprintSha256,
  };
}

export function tokenView(
  token: TokenInfo,
  certificates: readonly CertificateInfo[],
  now: Date,
): TokenView {
  return {
    serial: token.serial,
    label: token.label,
    manufacturer: token.manufacturer,
    model: token.model,
    moduleName: token.moduleName,
    slotDescription: token.slotDescription,
    pinPad: token.pinPad,
    userPin: { ...token.userPin },
    soPin: { ...token.soPin },
    minPinLength: token.minPinLength,
    maxPinLength: token.maxPinLength,
    certificates: certificates
      .filter((c) => c.tokenSerial === token.serial)
      .map((c) => certificateView(c, now)),
  };
}

export function choicesView(choices: CertificateChoices, now: Date): CertificateChoicesView {
  return {
    usable: choices.usable.map((c) => certificateView(c, now)),
    excluded: choices.excluded.map((e) => ({
      certificate: certificateView(e.certificate, now),
      reason: e.reason,
    })),
    signer: choices.signer,
    ...(choices.preselectedId ? { preselectedId: choices.preselectedId } : {}),
  };
}

export function challengeView(
  challenge: Challenge,
  verificationCode: string,
  apiOrigin: string,
): ChallengeView {
  return {
    verificationCode,
    apiOrigin,
    service: { ...challenge.service },
    purpose: challenge.purpose,
    texts: challenge.texts.map((t) => ({ ...t })),
    createdAt: challenge.createdAt,
    expiresAt: challenge.expiresAt,
    ...(challenge.signer ? { signer: { ...challenge.signer } } : {}),
  };
}
