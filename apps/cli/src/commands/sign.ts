import { password, select } from '@inquirer/prompts';
import {
  createApiClient,
  createSigningFlow,
  type ClientErrorCode,
  type SigningEvent,
  type SigningFlow,
} from '@eimza/client';
import {
  isValidVerificationCode,
  normaliseVerificationCode,
  type Challenge,
} from '@eimza/protocol';
import type { CertificateInfo, PinState } from '@eimza/token';
import { openTokens, type Context } from '../context.js';
import { CliError, ReportedOutcome, toCliError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { maskTckn } from '../format/certificate.js';
import { pinStatus } from '../format/pin-state.js';
import { rows } from '../output.js';
import { stdinSecrets, type SecretSource } from '../secrets.js';
import { apiBaseUrl } from './api-url.js';
import { CountdownLine } from './countdown-line.js';

export interface SignOptions {
  code: string;
  api?: string;
  cert?: string;
  pinStdin?: boolean;
  yes?: boolean;
}

/** How `eimza sign` ended; `state` is what scripts branch on. */
export type SignState = 'signed' | 'rejected' | 'expired' | 'failed';

/** Client failures that mean the server could not be reached or its answer was lost. */
const UNREACHABLE = new Set<ClientErrorCode>([
  'NETWORK',
  'TIMEOUT',
  'TLS',
  'SERVER_ERROR',
  'PROTOCOL_ERROR',
  'RATE_LIMITED',
  'OUTCOME_UNKNOWN',
]);

/** The exit code of a failed signing flow, by the client's error code. */
export function exitCodeForClientError(code: ClientErrorCode): ExitCodeValue {
  if (UNREACHABLE.has(code)) return ExitCode.SERVER_UNREACHABLE;
  switch (code) {
    case 'MALFORMED_CODE':
    case 'BAD_REQUEST':
      return ExitCode.USAGE;
    case 'UNKNOWN_CODE':
    case 'ALREADY_USED':
    case 'ALREADY_SUBMITTED':
      return ExitCode.CODE_NOT_USABLE;
    case 'EXPIRED':
      return ExitCode.EXPIRED;
    case 'REJECTED':
      return ExitCode.REJECTED;
    case 'NO_CERTIFICATES':
    case 'NO_CERTIFICATE_FOR_SIGNER':
    case 'CERTIFICATE_NOT_USABLE':
    case 'TOKEN_REMOVED':
    case 'TOKEN_NOT_PRESENT':
      return ExitCode.NOT_FOUND;
    case 'PIN_INCORRECT':
      return ExitCode.PIN_WRONG;
    case 'PIN_LOCKED':
      return ExitCode.PIN_LOCKED;
    case 'CANCELLED':
      return ExitCode.CANCELLED;
    case 'TOKEN_ERROR':
    case 'SIGNING_FAILED':
      return ExitCode.TOKEN_OPERATION_FAILED;
    default:
      return ExitCode.INTERNAL;
  }
}

/**
 * `eimza sign --code …`: the desktop app's signing flow in a terminal. The code is checked (length, Luhn)
 * before any request; the PIN is read only once a certificate is chosen, so a script can wait for the
 * challenge before it writes the PIN to standard input.
 */
export async function signCommand(ctx: Context, options: SignOptions): Promise<void> {
  const code = normaliseVerificationCode(options.code);
  if (!isValidVerificationCode(code)) throw new CliError('INVALID_CODE', { code: options.code });
  const interactive = !options.yes && Boolean(process.stdin.isTTY) && !options.pinStdin;
  const baseUrl = apiBaseUrl(options.api, ctx.env);
  const api = createApiClient({ baseUrl });
  const service = await openTokens(ctx);
  const flow = createSigningFlow({ api, tokens: service });
  const view = new SignView(ctx, flow, baseUrl);
  flow.subscribe((event) => view.show(event));

  let event: SigningEvent;
  try {
    event = await flow.load(code);
    if (event.type === 'pin-required') {
      const certificate = await chooseCertificate(ctx, flow, options, interactive, view);
      view.chosen(certificate);
      event = await signWithPins(flow, certificate, new PinSource(ctx, options, view), view);
    }
  } catch (error) {
    // A script reading --json still gets `state` beside the error (no PIN line left, several candidates…).
    const failure = toCliError(error);
    throw new CliError(failure.code, failure.params, {
      ...(failure.pinState ? { pinState: failure.pinState } : {}),
      ...(failure.pinKind ? { pinKind: failure.pinKind } : {}),
      ...(failure.detail ? { detail: failure.detail } : {}),
      data: { state: 'failed', verificationCode: code, signer: null },
    });
  } finally {
    view.stop();
  }
  finish(ctx, flow, code, event);
}

async function signWithPins(
  flow: SigningFlow,
  certificate: CertificateInfo,
  pins: PinSource,
  view: SignView,
): Promise<SigningEvent> {
  let retry = false;
  for (;;) {
    const pin = view.pinPad ? null : await pins.next(retry);
    if (pin === EXPIRED) return { type: 'expired' };
    const event = await flow.sign(certificate.id, pin);
    if (event.type !== 'failed' || event.error.code !== 'PIN_INCORRECT' || event.retry !== 'sign') {
      return event;
    }
    retry = true;
  }
}

const EXPIRED = Symbol('expired');

/** Where PINs come from: standard input one per line (read once, lazily), or a hidden prompt. */
class PinSource {
  private stdin?: SecretSource;

  constructor(
    private readonly ctx: Context,
    private readonly options: SignOptions,
    private readonly view: SignView,
  ) {}

  async next(retry: boolean): Promise<string | typeof EXPIRED> {
    if (this.options.pinStdin) {
      this.stdin ??= await Promise.race([stdinSecrets(), this.view.expired.then(() => undefined)]);
      if (!this.stdin) return EXPIRED;
      return this.stdin.next('prompts.pin', 'pin');
    }
    if (!process.stdin.isTTY) {
      throw new CliError('SECRET_REQUIRED', { hint: this.ctx.t('sign.pinHint') });
    }
    const controller = new AbortController();
    void this.view.expired.then(() => controller.abort());
    const message = this.view.pinMessage(retry);
    try {
      return await this.view.prompting(() =>
        password(
          {
            message,
            mask: '*',
            validate: (input) => (input.length > 0 ? true : this.ctx.t('prompts.empty')),
          },
          { output: process.stderr, signal: controller.signal },
        ),
      );
    } catch (error) {
      if (controller.signal.aborted) return EXPIRED;
      throw error;
    }
  }
}

/** `--cert`, the menu, or (with --yes / no terminal) the only certificate that fits the session. */
async function chooseCertificate(
  ctx: Context,
  flow: SigningFlow,
  options: SignOptions,
  interactive: boolean,
  view: SignView,
): Promise<CertificateInfo> {
  const usable = flow.certificateChoices?.usable ?? [];
  const ids = usable.map((c) => `${c.id} (${c.commonName ?? c.label})`).join(', ');
  if (options.cert !== undefined) {
    const match = usable.filter((c) => c.id === options.cert || c.label === options.cert);
    if (match.length === 1) return match[0] as CertificateInfo;
    throw new CliError(match.length > 1 ? 'CERTIFICATE_AMBIGUOUS' : 'CERTIFICATE_UNKNOWN', {
      cert: options.cert,
      ids: ids || '—',
    });
  }
  if (usable.length === 1 && !interactive) return usable[0] as CertificateInfo;
  if (!interactive) throw new CliError('CERTIFICATE_CHOICE_NEEDED', { ids });
  const id = await view.prompting(() =>
    select(
      {
        message: ctx.t('sign.chooseCertificate'),
        choices: usable.map((c) => ({
          value: c.id,
          name: `${c.commonName ?? c.label} — ${c.tckn ? maskTckn(c.tckn) : ''} ${c.keyAlgorithm.name} (${c.tokenLabel})`,
        })),
        default: flow.certificateChoices?.preselectedId,
      },
      { output: process.stderr },
    ),
  );
  return usable.find((c) => c.id === id) as CertificateInfo;
}

function finish(ctx: Context, flow: SigningFlow, code: string, event: SigningEvent): void {
  const challenge = flow.challenge;
  const base = {
    verificationCode: code,
    ...(challenge ? { service: challenge.service, purpose: challenge.purpose } : {}),
  };
  const lang = ctx.options.lang;
  if (event.type === 'done' && event.result.state === 'signed') {
    if (ctx.out.json) ctx.out.result({ state: 'signed', ...base, signer: event.result.signer });
    else {
      const s = event.result.signer;
      ctx.out.line(ctx.out.style('green', ctx.t('sign.signed', { name: s.name, tckn: s.tckn })));
    }
    return;
  }
  if (event.type === 'done' && event.result.state === 'rejected') {
    const { rejection, report } = event.result;
    if (ctx.out.json) {
      ctx.out.result({ state: 'rejected', ...base, signer: report.signer ?? null, rejection });
    } else {
      ctx.out.note(
        ctx.out.style(
          'red',
          ctx.t('sign.rejected', { code: rejection.code, message: rejection.message }),
        ),
      );
    }
    throw new ReportedOutcome(ExitCode.REJECTED);
  }
  if (event.type === 'expired') {
    if (ctx.out.json) ctx.out.result({ state: 'expired', ...base, signer: null });
    else ctx.out.note(ctx.out.style('red', ctx.t('sign.expired')));
    throw new ReportedOutcome(ExitCode.EXPIRED);
  }
  const failure = event.type === 'failed' ? event.error : undefined;
  const exitCode = failure ? exitCodeForClientError(failure.code) : ExitCode.SERVER_UNREACHABLE;
  const error = failure
    ? {
        code: failure.code,
        message: failure.localised(lang),
        exitCode,
        ...(failure.detail ? { detail: failure.detail } : {}),
        ...(failure.pinState
          ? { pinState: failure.pinState, pinStatus: pinStatus(failure.pinState) }
          : {}),
      }
    : { code: 'RECORDED', message: ctx.t('sign.recorded'), exitCode };
  if (ctx.out.json) ctx.out.result({ state: 'failed', ...base, signer: null, error });
  else {
    ctx.out.note(`${ctx.out.style('red', ctx.t('common.error'))} ${error.message}`);
    if (failure?.code === 'NO_CERTIFICATE_FOR_SIGNER') listExcluded(ctx, flow);
    if ('detail' in error && error.detail) ctx.out.note(ctx.out.style('dim', `(${error.detail})`));
  }
  throw new ReportedOutcome(exitCode);
}

/** Lists why each inserted certificate was left out, so the user sees which card is whose. */
function listExcluded(ctx: Context, flow: SigningFlow): void {
  for (const { certificate, reason } of flow.certificateChoices?.excluded ?? []) {
    ctx.out.note(
      `  - ${certificate.commonName ?? certificate.label} (${certificate.tckn ? maskTckn(certificate.tckn) : '—'}, ${certificate.tokenLabel}): ${ctx.t(`sign.excluded.${reason}`)}`,
    );
  }
}

/** Prints the flow's events for a person: the challenge in full, the countdown, progress. */
class SignView {
  readonly expired: Promise<void>;
  pinPad = false;
  private markExpired!: () => void;
  private pinState?: PinState;
  private readonly countdown: CountdownLine;

  constructor(
    private readonly ctx: Context,
    private readonly flow: SigningFlow,
    private readonly baseUrl: string,
  ) {
    this.expired = new Promise((resolve) => (this.markExpired = resolve));
    const live = !ctx.out.json && Boolean(process.stderr.isTTY);
    this.countdown = new CountdownLine(
      live,
      () => flow.secondsLeft(),
      (seconds) => ctx.t('sign.secondsLeft', { seconds }),
    );
  }

  show(event: SigningEvent): void {
    switch (event.type) {
      case 'challenge-loaded':
        if (!this.ctx.out.json) this.challenge(event.challenge);
        this.countdown.start();
        return;
      case 'certificates':
        if (!this.ctx.out.json && event.choices.signer === 'not-found') {
          this.ctx.out.note(
            this.ctx.out.style(
              'yellow',
              this.ctx.t('sign.noCardForSigner', {
                tckn: this.flow.challenge?.signer?.tcknMasked ?? '',
              }),
            ),
          );
        }
        return;
      case 'pin-required':
        this.pinPad = event.pinPad;
        if (event.pinState) this.pinState = event.pinState;
        return;
      case 'signing':
        this.progress(this.ctx.t('sign.signing', { index: event.index + 1, total: event.total }));
        return;
      case 'submitted':
        this.progress(this.ctx.t('sign.submitting'));
        return;
      case 'expired':
        this.markExpired();
        this.countdown.stop();
        return;
      case 'done':
      case 'failed':
        if (event.type === 'failed' && event.error.code === 'PIN_INCORRECT') {
          if (event.error.pinState) this.pinState = event.error.pinState;
          if (!this.ctx.out.json) {
            this.countdown.pause();
            this.ctx.out.note(
              this.ctx.out.style('red', event.error.localised(this.ctx.options.lang)),
            );
            this.countdown.resume();
          }
          return;
        }
        this.countdown.stop();
        return;
    }
  }

  /** Says which certificate will sign, before the PIN: with --yes nobody picked it by hand. */
  chosen(certificate: CertificateInfo): void {
    if (this.ctx.out.json) return;
    this.progress(
      this.ctx.t('sign.usingCertificate', {
        name: certificate.commonName ?? certificate.label,
        tckn: certificate.tckn ? maskTckn(certificate.tckn) : '—',
        token: certificate.tokenLabel,
      }),
    );
    this.countdown.resume();
  }

  pinMessage(retry: boolean): string {
    const status = this.pinState ? pinStatus(this.pinState) : 'ok';
    const tries = status === 'ok' ? '' : ` [${this.ctx.t(`pinState.${status}`)}]`;
    const seconds = this.flow.secondsLeft() ?? 0;
    return `${this.ctx.t(retry ? 'sign.pinAgain' : 'prompts.pin')}${tries} (${this.ctx.t('sign.secondsLeft', { seconds })})`;
  }

  /** Pauses the live countdown line while a prompt owns the terminal. */
  async prompting<T>(ask: () => Promise<T>): Promise<T> {
    this.countdown.pause();
    try {
      return await ask();
    } finally {
      this.countdown.resume();
    }
  }

  stop(): void {
    this.countdown.stop();
  }

  private progress(text: string): void {
    if (this.ctx.out.json) return;
    this.countdown.pause();
    this.ctx.out.note(this.ctx.out.style('cyan', text));
  }

  private challenge(challenge: Challenge): void {
    const { out, t } = this.ctx;
    out.line(out.style('bold', t('sign.title')));
    const entries: Array<[string, string]> = [
      [t('sign.api'), this.baseUrl],
      [t('sign.service'), challenge.service.name],
      [t('sign.origin'), challenge.service.origin],
      [
        t('sign.purpose'),
        t(`sign.purposes.${challenge.purpose}`, { defaultValue: challenge.purpose }),
      ],
      [t('sign.created'), challenge.createdAt],
      [t('sign.remaining'), t('sign.seconds', { seconds: challenge.secondsLeft })],
    ];
    if (challenge.signer) entries.push([t('sign.signerTckn'), challenge.signer.tcknMasked]);
    for (const line of rows(entries)) out.line(line);
    for (const text of challenge.texts) {
      out.line();
      out.line(out.style('bold', `${text.title} (${text.id})`));
      for (const line of text.content.split('\n')) out.line(`  ${line}`);
    }
    out.line();
  }
}
