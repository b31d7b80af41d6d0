import { normaliseTckn, type Rejection, type Report, type Signer } from '@eimza/protocol';
import type { ChallengeText } from '@eimza/protocol';

export interface ValidatedText {
  readonly text: ChallengeText;
  readonly report: Report;
}

export type Outcome =
  | { readonly state: 'signed'; readonly signer: Signer; readonly report: Report }
  | { readonly state: 'rejected'; readonly rejection: Rejection; readonly report: Report };

export interface SessionFacts {
  readonly tckn: string | null;
  readonly createdAt: number;
  readonly now: number;
  readonly clockSkewMs: number;
}

function firstFailedCheck(report: Report): string | undefined {
  return report.checks.find((c) => !c.passed)?.detail;
}

function sameCertificate(a: Signer, b: Signer): boolean {
  return a.issuer === b.issuer && a.certificateSerial === b.certificateSerial;
}

function reject(code: string, message: string, report: Report): Outcome {
  return { state: 'rejected', rejection: { code, message }, report };
}

/**
 * Turns the per-text reports into the session's outcome: every signature valid, all from one
 * certificate, the session's TCKN if it has one, and any time stamp inside the session's lifetime.
 * The signer's own signing-time is not held against the session: users' PC clocks are often wrong,
 * and the text already binds the code and creation time.
 */
export function decideOutcome(validated: readonly ValidatedText[], facts: SessionFacts): Outcome {
  const first = validated[0];
  if (!first) throw new Error('decideOutcome needs at least one validated text');
  for (const { report } of validated) {
    if (report.indication !== 'TOTAL_PASSED') {
      const code = report.subIndication ?? report.indication;
      return reject(code, firstFailedCheck(report) ?? `signature validation: ${code}`, report);
    }
  }
  const signer = first.report.signer;
  if (!signer) return reject('SIG_CONSTRAINTS_FAILURE', 'the report names no signer', first.report);
  for (const { report } of validated.slice(1)) {
    if (!report.signer || !sameCertificate(signer, report.signer)) {
      return reject(
        'SIGNER_MISMATCH',
        'all texts must be signed with the same certificate',
        report,
      );
    }
  }
  if (facts.tckn !== null && (normaliseTckn(signer.tckn) ?? signer.tckn) !== facts.tckn) {
    return reject(
      'TCKN_MISMATCH',
      'the certificate belongs to another T.C. Kimlik No than the session was opened for',
      first.report,
    );
  }
  for (const { report } of validated) {
    if (!report.timestamp) continue;
    const at = Date.parse(report.timestamp.genTime);
    if (at < facts.createdAt - facts.clockSkewMs || at > facts.now + facts.clockSkewMs) {
      return reject(
        'SIG_CONSTRAINTS_FAILURE',
        `the signature time stamp (${report.timestamp.genTime}) lies outside the session`,
        report,
      );
    }
  }
  return { state: 'signed', signer, report: first.report };
}
