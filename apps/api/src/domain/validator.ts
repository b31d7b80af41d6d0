import type { Report } from '@eimza/protocol';

export interface ValidationInput {
  /** DER of the CMS SignedData. */
  readonly cms: Uint8Array;
  /** Content of a detached signature (POST /verify). */
  readonly content?: Uint8Array;
  /** The exact bytes the signature must cover (the challenge text); else SIGNED_DATA_NOT_FOUND. */
  readonly expectedContent?: Uint8Array;
  readonly now?: Date;
}

/**
 * What the routes need from CAdES validation. The production implementation wraps
 * `validateCades` from @eimza/cades with the configured trust store and policy.
 */
export interface SignatureValidator {
  validate(input: ValidationInput): Promise<Report>;
}
