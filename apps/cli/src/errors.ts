import { CommanderError } from 'commander';
import { isTokenError, type PinState } from '@eimza/token';
import type { CliErrorCode, ErrorCode, ExitCodeValue } from './exit-codes.js';

/** Values that fill the localised message; never a PIN or PUK. */
export type MessageParams = Record<string, string | number>;

/** A failure the CLI reports to the user: a code, the parameters of its localised message, optional PIN state. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: ErrorCode;
  readonly params: MessageParams;
  readonly pinState?: PinState;
  /** Which secret the PIN state belongs to: the user PIN or the PUK (SO PIN). */
  readonly pinKind?: 'user' | 'so';
  /** English, PIN-free detail from the token layer (e.g. the CKR name), for support staff. */
  readonly detail?: string;
  /** A partial result that stays useful beside the error (e.g. the module report when no token was found). */
  readonly data?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    params: MessageParams = {},
    extra: {
      pinState?: PinState;
      pinKind?: 'user' | 'so';
      detail?: string;
      data?: Record<string, unknown>;
    } = {},
  ) {
    super(code);
    this.code = code;
    this.params = params;
    if (extra.pinState) this.pinState = extra.pinState;
    if (extra.pinKind) this.pinKind = extra.pinKind;
    if (extra.detail) this.detail = extra.detail;
    if (extra.data) this.data = extra.data;
  }
}

export function cliError(code: CliErrorCode, params: MessageParams = {}): CliError {
  return new CliError(code, params);
}

const SO_CODES = new Set<ErrorCode>(['SO_PIN_INCORRECT', 'SO_PIN_LOCKED']);

/**
 * Turns anything thrown into a CliError. Unknown errors become INTERNAL with only their class name kept:
 * a foreign message could carry user input, so it is not shown.
 */
export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (isTokenError(error)) {
    const detail = [error.detail?.fn, error.detail?.ckr].filter(Boolean).join(' ');
    return new CliError(
      error.code,
      { serial: error.tokenSerial ?? '' },
      {
        pinState: error.pinState,
        pinKind: SO_CODES.has(error.code) ? 'so' : 'user',
        detail: detail || undefined,
      },
    );
  }
  // @inquirer/prompts throws ExitPromptError on Ctrl+C; matched by name as the class lives in a transitive package.
  if (error instanceof Error && error.name === 'ExitPromptError')
    return new CliError('CANCELLED_BY_USER');
  if (error instanceof CommanderError) {
    return new CliError('USAGE', { detail: error.message.replace(/^error: /, '') });
  }
  const kind = error instanceof Error ? error.name : typeof error;
  return new CliError('INTERNAL', { detail: kind });
}

/**
 * A command that has already printed its own outcome (e.g. `sign` with state `rejected`) and only needs the
 * process to end with `exitCode`.
 */
export class ReportedOutcome extends Error {
  override readonly name = 'ReportedOutcome';
  constructor(readonly exitCode: ExitCodeValue) {
    super(`exit ${exitCode}`);
  }
}
