import { signCades, tokenSigner } from '@eimza/cades';
import {
  normaliseVerificationCode,
  type Challenge,
  type SubmitSignaturesRequest,
} from '@eimza/protocol';
import type { CertificateInfo, PinState, TokenInfo, TokenService } from '@eimza/token';
import type { ApiClient } from './api-client.js';
import { chooseCertificates, type CertificateChoices } from './certificates.js';
import { Countdown, systemMonotonicClock, type MonotonicClock } from './clock.js';
import { ClientError, isClientError } from './errors.js';
import type { RetryHint, SigningEvent, SigningResult } from './events.js';
import { sleep } from './retry.js';
import { processSubmissionGuard, type SubmissionGuard } from './submission-guard.js';
import { fromSigningFailure } from './token-failures.js';

export type FlowState =
  'idle' | 'loading' | 'choosing' | 'signing' | 'submitting' | 'done' | 'failed' | 'expired';

export interface SigningFlowOptions {
  api: Pick<ApiClient, 'getChallenge' | 'submitSignatures'>;
  tokens: Pick<TokenService, 'listCertificates' | 'listTokens' | 'openSigningSession'>;
  /** Default: performance.now. Tests of the countdown pass a controllable clock. */
  clock?: MonotonicClock;
  /** Cancels the whole flow, like {@link SigningFlow.cancel}. */
  signal?: AbortSignal;
  /** Default: the process-wide guard, so that two flows cannot submit for one code. */
  guard?: SubmissionGuard;
  /**
   * Certificates to embed besides the signer's. Default: the CA certificates the card itself
   * holds above the signer's (many Turkish cards carry their issuing CA).
   */
  chainFor?: (certificate: CertificateInfo) => Promise<Uint8Array[]> | Uint8Array[];
  /**
   * After a submission's answer is lost: how long to give the server to finish validating
   * before re-reading the challenge to learn the outcome. Default 1500 ms.
   */
  outcomeRecheckDelayMs?: number;
}

type Listener = (event: SigningEvent) => void;

/** The chain above `certificate` as far as its own card holds it, issuing CA first. */
function issuersOnCard(certificate: CertificateInfo, listed: CertificateInfo[]): Uint8Array[] {
  const chain: Uint8Array[] = [];
  let current = certificate;
  for (let depth = 0; depth < 4 && current.issuer !== current.subject; depth++) {
    const issuer = listed.find(
      (c) => c.tokenSerial === certificate.tokenSerial && c.subject === current.issuer,
    );
    if (!issuer) break;
    chain.push(issuer.der);
    current = issuer;
  }
  return chain;
}

const TERMINAL: readonly FlowState[] = ['done', 'expired'];

function retryForSigningFailure(error: ClientError): RetryHint {
  switch (error.code) {
    case 'PIN_INCORRECT':
    case 'PIN_LOCKED':
    case 'SIGNING_FAILED':
      return 'sign';
    case 'CANCELLED':
      return 'none';
    default:
      return 'certificates';
  }
}

/** Submission failures after which the request may or may not have changed the session. */
const OUTCOME_IN_DOUBT = new Set(['NETWORK', 'TIMEOUT', 'SERVER_ERROR', 'PROTOCOL_ERROR']);

/**
 * One verification code's way from challenge to result: fetch the challenge, offer the
 * certificates that can sign it, log in once with the PIN the UI passes through, sign every
 * text (CAdES-BES, SHA-256, detached), submit once, report the outcome. Every step is also
 * announced as a {@link SigningEvent}; every method resolves with the step's last event.
 */
export class SigningFlow {
  private current: FlowState = 'idle';
  private retryHint: RetryHint = 'none';
  private code?: string;
  private challengeValue?: Challenge;
  private countdown?: Countdown;
  private choices?: CertificateChoices;
  private listed: CertificateInfo[] = [];
  private unsent?: SubmitSignaturesRequest;
  private stopExpiryTimer?: () => void;
  private readonly listeners = new Set<Listener>();
  private readonly abort = new AbortController();
  private readonly clock: MonotonicClock;
  private readonly guard: SubmissionGuard;

  constructor(private readonly options: SigningFlowOptions) {
    this.clock = options.clock ?? systemMonotonicClock;
    this.guard = options.guard ?? processSubmissionGuard;
    if (options.signal) {
      if (options.signal.aborted) this.abort.abort();
      else options.signal.addEventListener('abort', () => this.cancel(), { once: true });
    }
  }

  get state(): FlowState {
    return this.current;
  }

  get challenge(): Challenge | undefined {
    return this.challengeValue;
  }

  get certificateChoices(): CertificateChoices | undefined {
    return this.choices;
  }

  /** The server's countdown carried on by the monotonic clock; undefined before a challenge. */
  secondsLeft(): number | undefined {
    return this.countdown?.secondsLeft();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Fetches the challenge of `verificationCode`, then lists the certificates that can sign it. */
  async load(verificationCode: string): Promise<SigningEvent> {
    this.require(this.current === 'idle' || this.failedWith('load'));
    this.current = 'loading';
    const code = normaliseVerificationCode(verificationCode);
    let challenge: Challenge;
    try {
      challenge = await this.options.api.getChallenge(code, { signal: this.abort.signal });
    } catch (error) {
      const failure = this.asCancelled() ?? (error as ClientError);
      if (failure.code === 'EXPIRED') return this.expire();
      return this.fail(failure, failure.code === 'CANCELLED' ? 'none' : 'load');
    }
    this.code = code;
    this.challengeValue = challenge;
    this.countdown = new Countdown(challenge.secondsLeft, this.clock);
    this.stopExpiryTimer = this.countdown.onExpiry(() => this.onCountdownZero());
    this.emit({
      type: 'challenge-loaded',
      verificationCode: code,
      challenge,
      secondsLeft: challenge.secondsLeft,
    });
    return this.listCertificates();
  }

  /** Lists the inserted cards' certificates again (after a card was inserted or swapped). */
  async refreshCertificates(): Promise<SigningEvent> {
    this.require(
      this.current === 'choosing' || this.failedWith('certificates') || this.failedWith('sign'),
    );
    return this.listCertificates();
  }

  /**
   * Logs in to the certificate's card with `pin` (null on a PIN-pad reader), signs every text
   * and submits the signatures once. The PIN is handed to the token layer and not kept.
   */
  async sign(certificateId: string, pin: string | null): Promise<SigningEvent> {
    this.require(this.current === 'choosing' || this.failedWith('sign'));
    const certificate = this.choices?.usable.find((c) => c.id === certificateId);
    if (!certificate) return this.fail(new ClientError('CERTIFICATE_NOT_USABLE'), 'sign');
    const code = this.code!;
    const challenge = this.challengeValue!;
    if (this.guard.has(code)) return this.fail(new ClientError('ALREADY_SUBMITTED'), 'none');
    if (this.countdown!.expired) return this.expire();
    this.current = 'signing';

    let session;
    try {
      session = await this.options.tokens.openSigningSession(certificate.id, pin);
    } catch (error) {
      return this.failSigning(error, certificate);
    }
    const signatures: SubmitSignaturesRequest['signatures'] = [];
    try {
      const chain = this.options.chainFor
        ? await this.options.chainFor(certificate)
        : issuersOnCard(certificate, this.listed);
      for (const [index, text] of challenge.texts.entries()) {
        const cancelled = this.asCancelled();
        if (cancelled) return this.fail(cancelled, 'none');
        if (this.countdown!.expired) return this.expire();
        this.emit({ type: 'signing', textId: text.id, index, total: challenge.texts.length });
        const cms = await signCades({
          content: text.content,
          certificate: certificate.der,
          chain,
          sign: tokenSigner(session),
          hash: 'SHA-256',
          detached: true,
          signingTime: this.signingTime(challenge),
        });
        signatures.push({ textId: text.id, cms: Buffer.from(cms).toString('base64') });
      }
    } catch (error) {
      return this.failSigning(error, certificate);
    } finally {
      await session.close().catch(() => undefined);
    }
    return this.submit({ signatures });
  }

  /**
   * Sends the same signatures again, allowed only after the server confirmed that the first
   * submission did not reach it (retry hint `submit`).
   */
  async resubmit(): Promise<SigningEvent> {
    this.require(this.failedWith('submit') && this.unsent !== undefined);
    return this.submit(this.unsent!, true);
  }

  /** Stops the flow; a request under way is aborted, a token operation under way is let finish. */
  cancel(): void {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    if (this.current === 'idle' || this.current === 'choosing' || this.current === 'failed') {
      this.fail(new ClientError('CANCELLED'), 'none');
    }
  }

  private async listCertificates(): Promise<SigningEvent> {
    const challenge = this.challengeValue!;
    if (this.countdown!.expired) return this.expire();
    let certificates: CertificateInfo[];
    try {
      certificates = await this.options.tokens.listCertificates();
    } catch (error) {
      return this.fail(this.asCancelled() ?? fromSigningFailure(error), 'certificates');
    }
    const cancelled = this.asCancelled();
    if (cancelled) return this.fail(cancelled, 'none');
    this.listed = certificates;
    const choices = chooseCertificates(certificates, {
      now: this.countdown!.serverNow(challenge.expiresAt),
      tcknMasked: challenge.signer?.tcknMasked,
    });
    this.choices = choices;
    this.emit({ type: 'certificates', choices });
    if (choices.signer === 'not-found') {
      return this.fail(new ClientError('NO_CERTIFICATE_FOR_SIGNER'), 'certificates');
    }
    if (!choices.preselectedId)
      return this.fail(new ClientError('NO_CERTIFICATES'), 'certificates');
    this.current = 'choosing';
    const certificate = choices.usable[0]!;
    return this.askPin(certificate, false);
  }

  private async submit(request: SubmitSignaturesRequest, resending = false): Promise<SigningEvent> {
    const code = this.code!;
    if (this.countdown!.expired) return this.expire();
    if (!this.guard.claim(code)) return this.fail(new ClientError('ALREADY_SUBMITTED'), 'none');
    this.unsent = undefined;
    this.current = 'submitting';
    this.emit({ type: 'submitted', textIds: request.signatures.map((s) => s.textId) });
    try {
      const accepted = await this.options.api.submitSignatures(code, request, {
        signal: this.abort.signal,
      });
      return this.finish({ state: 'signed', signer: accepted.signer, report: accepted.report });
    } catch (error) {
      const failure = isClientError(error) ? error : fromSigningFailure(error);
      if (failure.code === 'REJECTED' && failure.rejection && failure.report) {
        return this.finish({
          state: 'rejected',
          rejection: failure.rejection,
          report: failure.report,
        });
      }
      if (failure.code === 'EXPIRED') return this.expire();
      // The re-read before this resend saw the session pending, and now it is decided: the first
      // sending, whose answer was lost, arrived late. That is the outcome, not a failure.
      if (resending && failure.code === 'ALREADY_USED') return this.finish({ state: 'recorded' });
      // A refused connection carried no byte of the submission: nothing to re-read first.
      if (failure.code === 'NETWORK' && failure.detail === 'ECONNREFUSED') {
        return this.keepForResubmit(failure, request);
      }
      if (OUTCOME_IN_DOUBT.has(failure.code)) return this.learnOutcome(failure, request);
      return this.fail(failure, 'none');
    }
  }

  /** The answer was lost: re-read the challenge instead of sending the signatures again. */
  private async learnOutcome(
    original: ClientError,
    request: SubmitSignaturesRequest,
  ): Promise<SigningEvent> {
    const code = this.code!;
    try {
      await sleep(this.options.outcomeRecheckDelayMs ?? 1500, this.abort.signal);
      await this.options.api.getChallenge(code, { signal: this.abort.signal });
    } catch (error) {
      const reread = error as ClientError;
      if (reread.code === 'ALREADY_USED') return this.finish({ state: 'recorded' });
      if (reread.code === 'EXPIRED') return this.expire();
      if (reread.code === 'CANCELLED') return this.fail(reread, 'none');
      return this.fail(
        new ClientError('OUTCOME_UNKNOWN', { cause: original, detail: reread.code }),
        'none',
      );
    }
    // Still pending: the submission did not reach the session, so it may be sent again.
    return this.keepForResubmit(original, request);
  }

  /** The submission surely did not reach the session: offered for one explicit resubmit, as it is. */
  private keepForResubmit(failure: ClientError, request: SubmitSignaturesRequest): SigningEvent {
    this.guard.release(this.code!);
    this.unsent = request;
    return this.fail(failure, 'submit');
  }

  private signingTime(challenge: Challenge): Date {
    const estimate = this.countdown!.serverNow(challenge.expiresAt).getTime();
    // The signing-time attribute keeps whole seconds: never let it fall before the session began.
    const earliest = Math.ceil(Date.parse(challenge.createdAt) / 1000) * 1000;
    return new Date(Math.max(estimate, earliest));
  }

  /** What the card says about itself (PIN flags, PIN pad); unknown when it cannot be read. */
  private async tokenOf(certificate: CertificateInfo): Promise<TokenInfo | undefined> {
    try {
      const tokens = await this.options.tokens.listTokens();
      return tokens.find((t) => t.serial === certificate.tokenSerial);
    } catch {
      return undefined;
    }
  }

  private async askPin(
    certificate: CertificateInfo,
    retry: boolean,
    reported?: PinState,
  ): Promise<SigningEvent> {
    const token = await this.tokenOf(certificate);
    const pinState = reported ?? token?.userPin;
    const event: SigningEvent = {
      type: 'pin-required',
      certificateId: certificate.id,
      pinPad: token?.pinPad ?? false,
      ...(pinState ? { pinState } : {}),
      retry,
    };
    this.emit(event);
    return event;
  }

  private async failSigning(error: unknown, certificate: CertificateInfo): Promise<SigningEvent> {
    const failure = this.asCancelled() ?? fromSigningFailure(error);
    const event = this.fail(failure, retryForSigningFailure(failure));
    if (failure.code === 'PIN_INCORRECT' && this.current === 'failed') {
      await this.askPin(certificate, true, failure.pinState);
    }
    return event;
  }

  private asCancelled(): ClientError | undefined {
    return this.abort.signal.aborted ? new ClientError('CANCELLED') : undefined;
  }

  private onCountdownZero(): void {
    // A submission under way is left to the server, which answers 410 if it came too late.
    if (this.current === 'idle' || TERMINAL.includes(this.current)) return;
    if (this.current === 'submitting' || this.current === 'signing') return;
    if (this.current === 'failed' && this.retryHint === 'none') return;
    this.expire();
  }

  private failedWith(hint: RetryHint): boolean {
    return this.current === 'failed' && this.retryHint === hint;
  }

  private require(allowed: boolean): void {
    if (!allowed || this.abort.signal.aborted) {
      throw new ClientError('INVALID_STATE', { detail: `state ${this.current}` });
    }
  }

  private finish(result: SigningResult): SigningEvent {
    return this.end('done', { type: 'done', result });
  }

  private expire(): SigningEvent {
    return this.end('expired', { type: 'expired' });
  }

  private fail(error: ClientError, retry: RetryHint): SigningEvent {
    this.current = 'failed';
    this.retryHint = retry;
    if (retry === 'none') this.stopExpiryTimer?.();
    const event: SigningEvent = { type: 'failed', error, retry };
    this.emit(event);
    return event;
  }

  private end(state: FlowState, event: SigningEvent): SigningEvent {
    this.current = state;
    this.retryHint = 'none';
    this.stopExpiryTimer?.();
    this.emit(event);
    return event;
  }

  private emit(event: SigningEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

export function createSigningFlow(options: SigningFlowOptions): SigningFlow {
  return new SigningFlow(options);
}
