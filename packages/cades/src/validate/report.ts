import type { Check, Indication, Report, SubIndication } from '@eimza/protocol';

/** ETSI EN 319 102-1 main indication for each sub-indication the validator emits. */
export const INDICATION_OF: Readonly<Record<SubIndication, Exclude<Indication, 'TOTAL_PASSED'>>> = {
  FORMAT_FAILURE: 'TOTAL_FAILED',
  HASH_FAILURE: 'TOTAL_FAILED',
  SIG_CRYPTO_FAILURE: 'TOTAL_FAILED',
  REVOKED: 'TOTAL_FAILED',
  EXPIRED: 'TOTAL_FAILED',
  NOT_YET_VALID: 'TOTAL_FAILED',
  NO_CERTIFICATE_CHAIN_FOUND: 'INDETERMINATE',
  TRY_LATER: 'INDETERMINATE',
  CHAIN_CONSTRAINTS_FAILURE: 'INDETERMINATE',
  SIG_CONSTRAINTS_FAILURE: 'INDETERMINATE',
  SIGNED_DATA_NOT_FOUND: 'INDETERMINATE',
};

/** Thrown inside a check to fail it with a sub-indication; never escapes validateCades. */
export class CheckFailure extends Error {
  constructor(
    readonly subIndication: SubIndication,
    message: string,
  ) {
    super(message);
  }
}

export const fail = (sub: SubIndication, detail: string): never => {
  throw new CheckFailure(sub, detail);
};

/** Accumulates named checks; the first failure decides the indication. */
export class ReportBuilder {
  readonly checks: Check[] = [];
  failure?: { readonly subIndication: SubIndication; readonly detail: string };
  readonly report: Omit<Report, 'indication' | 'checks'> & { chain: Report['chain'] } = {
    chain: [],
  };

  /** Runs `fn`; records a passed check with its detail or a failed one. Returns false on failure. */
  run(name: string, fn: () => string): boolean {
    try {
      const detail = fn();
      this.checks.push({ name, passed: true, detail });
      return true;
    } catch (e) {
      this.record(name, e);
      return false;
    }
  }

  private record(name: string, e: unknown): void {
    const sub: SubIndication = e instanceof CheckFailure ? e.subIndication : 'FORMAT_FAILURE';
    const detail =
      e instanceof CheckFailure
        ? e.message
        : `malformed input: ${(e as Error)?.message ?? String(e)}`;
    this.checks.push({ name, passed: false, detail });
    this.failure ??= { subIndication: sub, detail };
  }

  finish(): Report {
    if (this.failure) {
      return {
        indication: INDICATION_OF[this.failure.subIndication],
        subIndication: this.failure.subIndication,
        checks: this.checks,
        ...this.report,
      };
    }
    return { indication: 'TOTAL_PASSED', checks: this.checks, ...this.report };
  }
}
