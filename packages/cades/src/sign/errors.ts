/** What went wrong while making a signature; callers branch on `code`. */
export type CadesSignErrorCode =
  | 'INVALID_CERTIFICATE'
  | 'UNSUPPORTED_KEY'
  | 'INVALID_OPTIONS'
  | 'SIGNER_FAILED'
  | 'BAD_SIGNATURE_VALUE'
  | 'SIGNATURE_MISMATCH'
  | 'TSA_UNREACHABLE'
  | 'TSA_HTTP_ERROR'
  | 'TSA_BAD_STATUS'
  | 'TSA_BAD_RESPONSE'
  | 'TSA_NONCE_MISMATCH'
  | 'TSA_IMPRINT_MISMATCH';

export class CadesSignError extends Error {
  readonly code: CadesSignErrorCode;

  constructor(code: CadesSignErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CadesSignError';
    this.code = code;
  }
}

/** A failure while obtaining the signature time stamp (CAdES-T). */
export class TimestampError extends CadesSignError {
  readonly url: string;

  constructor(
    code: Extract<CadesSignErrorCode, `TSA_${string}`>,
    url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'TimestampError';
    this.url = url;
  }
}

/** The TSA answered, but did not grant the time stamp (RFC 3161 PKIStatus other than 0 or 1). */
export class TimestampStatusError extends TimestampError {
  readonly status: number;
  readonly statusText: string[];
  /** Names of the PKIFailureInfo bits that are set (badAlg, badRequest, ...). */
  readonly failInfo: string[];

  constructor(url: string, status: number, statusText: string[], failInfo: string[]) {
    const detail = [...failInfo, ...statusText].join('; ');
    super(
      'TSA_BAD_STATUS',
      url,
      `Time-stamp authority refused the request (status ${status}${detail ? `: ${detail}` : ''})`,
    );
    this.name = 'TimestampStatusError';
    this.status = status;
    this.statusText = statusText;
    this.failInfo = failInfo;
  }
}

export function isCadesSignError(error: unknown): error is CadesSignError {
  return error instanceof CadesSignError;
}
