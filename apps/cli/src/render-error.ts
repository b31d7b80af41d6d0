import type { CliError } from './errors.js';
import { exitCodeFor } from './exit-codes.js';
import { pinStatus } from './format/pin-state.js';
import type { Translate } from './i18n.js';
import type { Output } from './output.js';

/** The localised message of an error; `kind` (pin/puk) is itself localised. */
export function errorMessage(t: Translate, error: CliError): string {
  const params: Record<string, string | number> = { ...error.params };
  if (params.kind === 'pin' || params.kind === 'puk') params.kind = t(`secretKind.${params.kind}`);
  return t(`errors.${error.code}`, params);
}

/** What the token's PIN flags say about the tries left, when that adds to the message itself. */
export function pinHint(t: Translate, error: CliError): string | undefined {
  if (!error.pinState) return undefined;
  const status = pinStatus(error.pinState);
  if (status !== 'countLow' && status !== 'finalTry' && status !== 'locked') return undefined;
  if (status === 'locked' && (error.code === 'PIN_LOCKED' || error.code === 'SO_PIN_LOCKED'))
    return undefined;
  return t(`pinHint.${error.pinKind ?? 'user'}.${status}`);
}

/** Text errors go to stderr; a --json run prints its one object, with the error, on stdout. */
export function renderError(t: Translate, out: Output, error: CliError): void {
  const message = errorMessage(t, error);
  const hint = pinHint(t, error);
  if (out.json) {
    out.result({
      ...(error.data ?? {}),
      error: {
        code: error.code,
        message,
        exitCode: exitCodeFor(error.code),
        ...(hint ? { hint } : {}),
        ...(error.pinState
          ? { pinState: error.pinState, pinStatus: pinStatus(error.pinState) }
          : {}),
        ...(error.detail ? { detail: error.detail } : {}),
      },
    });
    return;
  }
  out.note(`${out.style('red', t('common.error'))} ${message}`);
  if (hint) out.note(out.style('yellow', hint));
  if (error.detail) out.note(out.style('dim', `(${error.detail})`));
}
