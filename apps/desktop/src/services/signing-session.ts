import {
  ClientError,
  createApiClient,
  createSigningFlow,
  type ApiClientOptions,
  type RetryHint,
  type SigningEvent,
  type SigningFlow,
  type SigningResult,
  type SubmissionGuard,
} from '@eimza/client';
import type { Challenge, Purpose } from '@eimza/protocol';
import type { PinState, TokenInfo, TokenService } from '@eimza/token';
import type { Logger } from 'pino';
import type {
  Language,
  PinPrompt,
  SigningResultView,
  SigningSnapshot,
  TokenView,
} from '../shared/ipc.js';
import { DesktopError, logFieldsOf, toIpcError } from './errors.js';
import { SerialQueue } from './serial.js';
import { challengeView, choicesView } from './views.js';

const E_ONAY: readonly Purpose[] = ['e-onay-accept', 'e-onay-cancel'];

export interface SigningControllerOptions {
  tokens: () => TokenService;
  language: () => Language;
  /** Every change of the snapshot, pushed whole. */
  publish: (snapshot: SigningSnapshot) => void;
  logger: Logger;
  /** API client settings besides the origin (tests shorten the retries). */
  api?: Omit<ApiClientOptions, 'baseUrl'>;
  /** See SigningFlowOptions.outcomeRecheckDelayMs. */
  outcomeRecheckDelayMs?: number;
  guard?: SubmissionGuard;
}

/** One started flow; a new start replaces it, and whatever the old one still does is ignored. */
interface Run {
  flow: SigningFlow;
  queue: SerialQueue;
  unsubscribe: () => void;
  apiOrigin: string;
  challenge?: Challenge;
  /** The flow's retry hint after its last failure (the snapshot's error may be cleared sooner). */
  retry: RetryHint;
}

interface SnapshotState {
  verificationCode?: string;
  apiOrigin?: string;
  challenge?: SigningSnapshot['challenge'];
  choices?: SigningSnapshot['choices'];
  selectedCertificateId?: string;
  pinPrompt?: PinPrompt;
  accepted?: boolean;
  declined?: boolean;
  progress?: SigningSnapshot['progress'];
  result?: SigningResultView;
  /** Kept as the error itself so that its message follows the current language. */
  failure?: { error: unknown; retry: RetryHint };
}

function resultView(result: SigningResult): SigningResultView {
  return result.state === 'recorded' ? { state: 'recorded' } : structuredClone(result);
}

function pinPromptFor(
  certificateId: string,
  tokenSerial: string,
  token: TokenInfo | TokenView | undefined,
  retry: boolean,
  pinState?: PinState,
): PinPrompt {
  const state = pinState ?? token?.userPin;
  return {
    certificateId,
    tokenSerial,
    pinPad: token?.pinPad ?? false,
    ...(state ? { pinState: { ...state } } : {}),
    minPinLength: token?.minPinLength ?? 0,
    maxPinLength: token?.maxPinLength ?? 0,
    retry,
  };
}

/**
 * The desktop's one signing session: a {@link SigningFlow} behind the `signing:*` handlers, seen
 * by the renderer as a {@link SigningSnapshot} that is pushed on every change and answered by
 * every call. Operations on a flow run one at a time; a PIN is passed on and never kept.
 */
export class SigningController {
  private run?: Run;
  private state: SnapshotState = {};
  /** What the flow's last token listing said; the PIN prompt's lengths come from it. */
  private lastTokens: TokenInfo[] = [];

  constructor(private readonly options: SigningControllerOptions) {}

  snapshot(): SigningSnapshot {
    const run = this.run;
    const s = this.state;
    // A started flow is loading from the moment it exists, before its first request goes out.
    const step = !run ? 'idle' : run.flow.state === 'idle' ? 'loading' : run.flow.state;
    const secondsLeft = run?.flow.secondsLeft();
    return {
      step,
      ...(s.verificationCode ? { verificationCode: s.verificationCode } : {}),
      ...(s.apiOrigin ? { apiOrigin: s.apiOrigin } : {}),
      ...(s.challenge ? { challenge: structuredClone(s.challenge) } : {}),
      ...(secondsLeft !== undefined ? { secondsLeft } : {}),
      ...(s.choices ? { choices: structuredClone(s.choices) } : {}),
      ...(s.selectedCertificateId ? { selectedCertificateId: s.selectedCertificateId } : {}),
      ...(s.pinPrompt ? { pinPrompt: structuredClone(s.pinPrompt) } : {}),
      ...(s.accepted !== undefined ? { accepted: s.accepted } : {}),
      ...(s.declined ? { declined: true } : {}),
      ...(s.progress ? { progress: { ...s.progress } } : {}),
      ...(s.result ? { result: structuredClone(s.result) } : {}),
      ...(s.failure
        ? {
            error: {
              ...toIpcError(s.failure.error, this.options.language()),
              retry: s.failure.retry,
            },
          }
        : {}),
    };
  }

  /** Cancels any flow, then loads `code` from `apiOrigin` (already checked against the policy). */
  async start(code: string, apiOrigin: string): Promise<SigningSnapshot> {
    this.stopRun();
    const flow = createSigningFlow({
      api: createApiClient({ ...this.options.api, baseUrl: apiOrigin }),
      tokens: this.flowTokens(),
      ...(this.options.guard ? { guard: this.options.guard } : {}),
      ...(this.options.outcomeRecheckDelayMs !== undefined
        ? { outcomeRecheckDelayMs: this.options.outcomeRecheckDelayMs }
        : {}),
    });
    const run: Run = {
      flow,
      queue: new SerialQueue(),
      unsubscribe: () => undefined,
      apiOrigin,
      retry: 'none',
    };
    run.unsubscribe = flow.subscribe((event) => this.onEvent(run, event));
    this.run = run;
    this.state = { verificationCode: code, apiOrigin };
    this.options.logger.info({ apiOrigin }, 'signing started');
    this.publish();
    await run.queue.run(() => flow.load(code));
    return this.snapshot();
  }

  async refresh(): Promise<SigningSnapshot> {
    const run = this.requireRun();
    await run.queue.run(async () => {
      this.requireStep(run, ['choosing'], ['certificates', 'sign']);
      this.clearFailure(run);
      await run.flow.refreshCertificates();
    });
    return this.snapshot();
  }

  async select(certificateId: string): Promise<SigningSnapshot> {
    const run = this.requireRun();
    await run.queue.run(async () => {
      this.requireStep(run, ['choosing'], ['sign', 'certificates']);
      const certificate = this.usable(run, certificateId);
      const token = await this.freshToken(certificate.tokenSerial);
      if (this.run !== run) return;
      this.state.selectedCertificateId = certificateId;
      this.state.pinPrompt = pinPromptFor(certificateId, certificate.tokenSerial, token, false);
      this.clearFailure(run);
      this.publish();
    });
    return this.snapshot();
  }

  accept(): SigningSnapshot {
    const run = this.requireEOnay();
    this.requireStep(run, ['choosing'], ['sign', 'certificates']);
    this.state.accepted = true;
    this.options.logger.info('e-onay accepted');
    this.publish();
    return this.snapshot();
  }

  decline(): SigningSnapshot {
    const run = this.requireEOnay();
    this.requireStep(run, ['choosing'], ['sign', 'certificates', 'load']);
    this.state.declined = true;
    this.options.logger.info('e-onay declined');
    run.flow.cancel();
    return this.snapshot();
  }

  async sign(certificateId: string, pin: string | null): Promise<SigningSnapshot> {
    const run = this.requireRun();
    await run.queue.run(async () => {
      this.requireStep(run, ['choosing'], ['sign', 'certificates']);
      // A card pulled out and put back before the watcher saw either: the PIN form is still on
      // screen, so list the cards again and sign if the chosen one is there.
      if (run.flow.state === 'failed' && run.retry === 'certificates') {
        this.clearFailure(run);
        const listed = await run.flow.refreshCertificates();
        if (listed.type !== 'pin-required') return;
      }
      if (this.isEOnay(run) && !this.state.accepted) {
        throw new DesktopError('INVALID_REQUEST', { detail: 'E-Onay not accepted' });
      }
      const certificate = this.usable(run, certificateId);
      if (this.state.selectedCertificateId !== certificateId || !this.state.pinPrompt) {
        const token = await this.freshToken(certificate.tokenSerial);
        this.state.selectedCertificateId = certificateId;
        this.state.pinPrompt = pinPromptFor(certificateId, certificate.tokenSerial, token, false);
      }
      checkPinShape(pin, this.state.pinPrompt!);
      this.clearFailure(run);
      await run.flow.sign(certificateId, pin);
    });
    return this.snapshot();
  }

  async resubmit(): Promise<SigningSnapshot> {
    const run = this.requireRun();
    await run.queue.run(async () => {
      this.requireStep(run, [], ['submit']);
      this.clearFailure(run);
      await run.flow.resubmit();
    });
    return this.snapshot();
  }

  cancel(): SigningSnapshot {
    this.run?.flow.cancel();
    return this.snapshot();
  }

  reset(): SigningSnapshot {
    this.stopRun();
    this.state = {};
    this.publish();
    return this.snapshot();
  }

  /** Cards were inserted or removed: list the certificates again where the user is choosing. */
  tokensChanged(): void {
    const run = this.run;
    if (!run || run.queue.busy) return;
    const step = run.flow.state;
    if (step !== 'choosing' && !(step === 'failed' && run.retry === 'certificates')) return;
    void run.queue
      .run(async () => {
        if (step === 'failed') this.clearFailure(run);
        await run.flow.refreshCertificates();
      })
      .catch((error: unknown) =>
        this.options.logger.warn(logFieldsOf(error), 'live certificate refresh failed'),
      );
  }

  /** A PIN or PUK operation changed a token: the PIN prompt shows its fresh flags. */
  tokenUpdated(token: TokenView): void {
    const prompt = this.state.pinPrompt;
    if (!this.run || !prompt || prompt.tokenSerial !== token.serial) return;
    this.state.pinPrompt = pinPromptFor(prompt.certificateId, token.serial, token, prompt.retry);
    const code = (this.state.failure?.error as { code?: string } | undefined)?.code;
    if (!token.userPin.locked && (code === 'PIN_LOCKED' || code === 'PIN_INCORRECT')) {
      this.state.failure = undefined;
    }
    this.publish();
  }

  close(): void {
    this.stopRun();
  }

  private onEvent(run: Run, event: SigningEvent): void {
    if (this.run !== run) return;
    const s = this.state;
    this.options.logger.info(
      {
        event: event.type,
        ...(event.type === 'failed' ? { ...logFieldsOf(event.error), retry: event.retry } : {}),
        ...(event.type === 'done' ? { result: event.result.state } : {}),
      },
      'signing event',
    );
    switch (event.type) {
      case 'challenge-loaded':
        run.challenge = event.challenge;
        s.verificationCode = event.verificationCode;
        s.challenge = challengeView(event.challenge, event.verificationCode, run.apiOrigin);
        if (E_ONAY.includes(event.challenge.purpose)) s.accepted = false;
        break;
      case 'certificates':
        s.choices = choicesView(event.choices, this.serverNow(run));
        break;
      case 'pin-required': {
        const usable = run.flow.certificateChoices?.usable ?? [];
        // A re-listing pre-selects the first card again: the user's choice stays while it is there.
        const kept =
          !event.retry && event.certificateId !== s.selectedCertificateId
            ? usable.find((c) => c.id === s.selectedCertificateId)
            : undefined;
        if (kept) {
          const token = this.lastTokens.find((t) => t.serial === kept.tokenSerial);
          s.pinPrompt = pinPromptFor(kept.id, kept.tokenSerial, token, false);
          break;
        }
        const tokenSerial = usable.find((c) => c.id === event.certificateId)?.tokenSerial ?? '';
        const token = this.lastTokens.find((t) => t.serial === tokenSerial);
        s.selectedCertificateId = event.certificateId;
        s.pinPrompt = {
          ...pinPromptFor(event.certificateId, tokenSerial, token, event.retry, event.pinState),
          pinPad: event.pinPad,
        };
        break;
      }
      case 'signing':
        s.progress = { index: event.index, total: event.total, textId: event.textId };
        break;
      case 'submitted':
        break;
      case 'done':
        s.progress = undefined;
        s.result = resultView(event.result);
        if (event.result.state === 'rejected') {
          // The outcome screen explains the refusal like any other failure.
          s.failure = {
            error: new ClientError('REJECTED', { rejection: event.result.rejection }),
            retry: 'none',
          };
        }
        break;
      case 'failed':
        s.progress = undefined;
        run.retry = event.retry;
        s.failure = { error: event.error, retry: event.retry };
        if (event.error.code === 'PIN_LOCKED' && s.pinPrompt) {
          s.pinPrompt = {
            ...s.pinPrompt,
            pinState: event.error.pinState ?? { ...lockedState(s.pinPrompt.pinState) },
          };
        }
        break;
      case 'expired':
        s.progress = undefined;
        s.failure = { error: new ClientError('EXPIRED'), retry: 'none' };
        break;
    }
    this.publish();
  }

  /** The token service the flow uses: the app's current one, with its token listing remembered. */
  private flowTokens(): Pick<
    TokenService,
    'listCertificates' | 'listTokens' | 'openSigningSession'
  > {
    return {
      listCertificates: () => this.options.tokens().listCertificates(),
      listTokens: async () => {
        const tokens = await this.options.tokens().listTokens();
        this.lastTokens = tokens;
        return tokens;
      },
      openSigningSession: (id, pin) => this.options.tokens().openSigningSession(id, pin),
    };
  }

  private async freshToken(serial: string): Promise<TokenInfo | undefined> {
    try {
      this.lastTokens = await this.options.tokens().listTokens();
    } catch (error) {
      this.options.logger.warn(logFieldsOf(error), 'token listing failed');
    }
    return this.lastTokens.find((t) => t.serial === serial);
  }

  private serverNow(run: Run): Date {
    const left = run.flow.secondsLeft();
    return run.challenge && left !== undefined
      ? new Date(Date.parse(run.challenge.expiresAt) - left * 1000)
      : new Date();
  }

  private usable(run: Run, certificateId: string) {
    const certificate = run.flow.certificateChoices?.usable.find((c) => c.id === certificateId);
    if (!certificate) throw new ClientError('CERTIFICATE_NOT_USABLE');
    return certificate;
  }

  private isEOnay(run: Run): boolean {
    return run.challenge !== undefined && E_ONAY.includes(run.challenge.purpose);
  }

  private requireRun(): Run {
    if (!this.run) throw new ClientError('INVALID_STATE', { detail: 'no signing flow' });
    return this.run;
  }

  private requireEOnay(): Run {
    const run = this.requireRun();
    if (!this.isEOnay(run)) {
      throw new DesktopError('INVALID_REQUEST', { detail: 'not an E-Onay session' });
    }
    return run;
  }

  private requireStep(run: Run, steps: string[], failedWith: RetryHint[]): void {
    const step = run.flow.state;
    if (steps.includes(step)) return;
    if (step === 'failed' && failedWith.includes(run.retry)) return;
    throw new ClientError('INVALID_STATE', { detail: `step ${step}` });
  }

  private clearFailure(run: Run): void {
    if (this.run === run) this.state.failure = undefined;
  }

  private stopRun(): void {
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    run.unsubscribe();
    run.flow.cancel();
  }

  private publish(): void {
    this.options.publish(this.snapshot());
  }
}

function lockedState(previous: PinState | undefined): PinState {
  return {
    initialized: previous?.initialized ?? true,
    countLow: true,
    finalTry: false,
    locked: true,
    toBeChanged: previous?.toBeChanged ?? false,
  };
}

/** A PIN the token would refuse for its length is not sent to it (no try is used up). */
function checkPinShape(pin: string | null, prompt: PinPrompt): void {
  if (pin === null) {
    if (!prompt.pinPad) throw new DesktopError('INVALID_REQUEST', { detail: 'PIN missing' });
    return;
  }
  const tooShort = prompt.minPinLength > 0 && pin.length < prompt.minPinLength;
  const tooLong = prompt.maxPinLength > 0 && pin.length > prompt.maxPinLength;
  if (tooShort || tooLong) {
    throw new DesktopError('PIN_LEN_RANGE', {
      params: { min: prompt.minPinLength, max: prompt.maxPinLength },
    });
  }
}
