import { maskTckn } from '@eimza/protocol';
import type { CertificateInfo } from '@eimza/token';

/** Why a certificate on an inserted card is not offered for signing. */
export type ExclusionReason =
  'NO_NON_REPUDIATION' | 'NO_PRIVATE_KEY' | 'EXPIRED' | 'NOT_YET_VALID' | 'OTHER_PERSON';

export interface ExcludedCertificate {
  certificate: CertificateInfo;
  reason: ExclusionReason;
}

export interface CertificateChoices {
  /** Signing certificates that may sign this challenge, the UI's list to pick from. */
  usable: CertificateInfo[];
  excluded: ExcludedCertificate[];
  /**
   * `not-requested`: the session names no person. `matched`: a usable certificate belongs to
   * the person. `not-found`: the session names a person and no inserted card has a usable
   * certificate of theirs; said before any PIN is asked.
   */
  signer: 'not-requested' | 'matched' | 'not-found';
  /** The certificate to pre-select: the only usable one, or the first. */
  preselectedId?: string;
}

function exclusion(
  certificate: CertificateInfo,
  now: Date,
  tcknMasked: string | undefined,
): ExclusionReason | undefined {
  if (!certificate.nonRepudiation) return 'NO_NON_REPUDIATION';
  if (!certificate.hasPrivateKey) return 'NO_PRIVATE_KEY';
  if (certificate.notAfter.getTime() < now.getTime()) return 'EXPIRED';
  if (certificate.notBefore.getTime() > now.getTime()) return 'NOT_YET_VALID';
  // The challenge only reveals the masked number, so masked forms are compared.
  if (tcknMasked !== undefined) {
    if (!certificate.tckn || maskTckn(certificate.tckn) !== tcknMasked) return 'OTHER_PERSON';
  }
  return undefined;
}

/**
 * Sorts the inserted cards' certificates into those that can sign this challenge and those
 * that cannot, with the reason. `now` is the server's time, not the PC's wall clock.
 */
export function chooseCertificates(
  certificates: readonly CertificateInfo[],
  options: { now: Date; tcknMasked?: string | undefined },
): CertificateChoices {
  const usable: CertificateInfo[] = [];
  const excluded: ExcludedCertificate[] = [];
  for (const certificate of certificates) {
    const reason = exclusion(certificate, options.now, options.tcknMasked);
    if (reason) excluded.push({ certificate, reason });
    else usable.push(certificate);
  }
  const signer =
    options.tcknMasked === undefined ? 'not-requested' : usable.length ? 'matched' : 'not-found';
  return {
    usable,
    excluded,
    signer,
    ...(usable[0] ? { preselectedId: usable[0].id } : {}),
  };
}
