import type { TokenErrorCode } from '@eimza/token';

/** The process exit codes `eimza` documents (docs/cli.md, `eimza --help`). Scripts rely on them: never renumber. */
export const ExitCode = {
  OK: 0,
  USAGE: 1,
  NOT_FOUND: 2,
  PIN_WRONG: 3,
  PIN_LOCKED: 4,
  TOKEN_OPERATION_FAILED: 5,
  INTERNAL: 6,
  FILE_ERROR: 7,
  REJECTED: 8,
  EXPIRED: 9,
  SERVER_UNREACHABLE: 10,
  CODE_NOT_USABLE: 11,
  DOCTOR_FAILED: 12,
  CANCELLED: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Codes the CLI raises itself, next to the token layer's codes. */
export type CliErrorCode =
  | 'USAGE'
  | 'NO_MODULE'
  | 'NO_TOKENS'
  | 'TOKEN_UNKNOWN'
  | 'TOKEN_AMBIGUOUS'
  | 'CERTIFICATE_UNKNOWN'
  | 'CERTIFICATE_AMBIGUOUS'
  | 'NOT_SIGNING_CAPABLE'
  | 'SECRET_REQUIRED'
  | 'SECRET_MISSING'
  | 'SECRET_EMPTY'
  | 'SECRET_MISMATCH'
  | 'NEW_SECRET_LENGTH'
  | 'INPUT_READ_FAILED'
  | 'OUTPUT_WRITE_FAILED'
  | 'CANCELLED_BY_USER'
  | 'INVALID_CODE'
  | 'API_FAILED'
  | 'CERTIFICATE_CHOICE_NEEDED'
  | 'TRUST_UNREADABLE'
  | 'INTERNAL';

export type ErrorCode = CliErrorCode | TokenErrorCode;

const EXIT_BY_CODE: Record<ErrorCode, ExitCodeValue> = {
  USAGE: ExitCode.USAGE,
  SECRET_REQUIRED: ExitCode.USAGE,
  SECRET_MISSING: ExitCode.USAGE,
  SECRET_EMPTY: ExitCode.USAGE,
  SECRET_MISMATCH: ExitCode.USAGE,
  NEW_SECRET_LENGTH: ExitCode.USAGE,
  INVALID_ARGUMENT: ExitCode.USAGE,
  TOKEN_AMBIGUOUS: ExitCode.USAGE,
  CERTIFICATE_AMBIGUOUS: ExitCode.USAGE,

  NO_MODULE: ExitCode.NOT_FOUND,
  NO_TOKENS: ExitCode.NOT_FOUND,
  TOKEN_UNKNOWN: ExitCode.NOT_FOUND,
  CERTIFICATE_UNKNOWN: ExitCode.NOT_FOUND,
  MODULE_NOT_FOUND: ExitCode.NOT_FOUND,
  TOKEN_NOT_PRESENT: ExitCode.NOT_FOUND,
  TOKEN_REMOVED: ExitCode.NOT_FOUND,
  CERTIFICATE_NOT_FOUND: ExitCode.NOT_FOUND,
  KEY_NOT_FOUND: ExitCode.NOT_FOUND,
  NOT_SIGNING_CAPABLE: ExitCode.NOT_FOUND,

  PIN_INCORRECT: ExitCode.PIN_WRONG,
  PIN_LEN_RANGE: ExitCode.PIN_WRONG,
  PIN_INVALID: ExitCode.PIN_WRONG,
  PIN_EXPIRED: ExitCode.PIN_WRONG,
  SO_PIN_INCORRECT: ExitCode.PIN_WRONG,

  PIN_LOCKED: ExitCode.PIN_LOCKED,
  SO_PIN_LOCKED: ExitCode.PIN_LOCKED,

  MECHANISM_UNSUPPORTED: ExitCode.TOKEN_OPERATION_FAILED,
  CANCELLED: ExitCode.TOKEN_OPERATION_FAILED,
  SESSION_CLOSED: ExitCode.TOKEN_OPERATION_FAILED,
  TOKEN_WRITE_PROTECTED: ExitCode.TOKEN_OPERATION_FAILED,
  DEVICE_ERROR: ExitCode.TOKEN_OPERATION_FAILED,

  INVALID_CODE: ExitCode.USAGE,
  API_FAILED: ExitCode.SERVER_UNREACHABLE,
  CERTIFICATE_CHOICE_NEEDED: ExitCode.USAGE,
  TRUST_UNREADABLE: ExitCode.FILE_ERROR,
  INPUT_READ_FAILED: ExitCode.FILE_ERROR,
  OUTPUT_WRITE_FAILED: ExitCode.FILE_ERROR,

  CANCELLED_BY_USER: ExitCode.CANCELLED,
  INTERNAL: ExitCode.INTERNAL,
};

export function exitCodeFor(code: ErrorCode): ExitCodeValue {
  return EXIT_BY_CODE[code];
}

/** The exit codes in the order `--help` and docs/cli.md list them. */
export const DOCUMENTED_EXIT_CODES: ExitCodeValue[] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 130,
];
