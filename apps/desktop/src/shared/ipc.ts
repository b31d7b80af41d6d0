/**
 * The contract between the renderer and the main process: every value crosses as plain JSON
 * (dates as ISO strings, no bytes), because Electron's IPC and the browser tests' page bindings
 * must carry the same shapes. Types only: nothing here runs.
 */
import type { Challenge, Purpose, Rejection, Report, Signer } from '@eimza/protocol';
import type { ClientErrorCode, ExclusionReason, RetryHint } from '@eimza/client';
import type { PinState } from '@eimza/token';

export type { PinState, RetryHint, ExclusionReason };

export type Language = 'tr' | 'en';

/** Failures the app reports besides the signing client's and the token layer's own codes. */
export type DesktopErrorCode =
  | ClientErrorCode
  | 'INVALID_REQUEST'
  | 'FORBIDDEN_SENDER'
  | 'ORIGIN_NOT_ALLOWED'
  | 'ORIGIN_INVALID'
  | 'PIN_LEN_RANGE'
  | 'PIN_INVALID'
  | 'PIN_MISMATCH'
  | 'PUK_INCORRECT'
  | 'PUK_LOCKED'
  | 'MODULE_NOT_FOUND'
  | 'SETTINGS_INVALID'
  | 'BUNDLE_FAILED'
  | 'INTERNAL';

/** Never carries a PIN or PUK. `message` is in the app's current language. */
export interface IpcError {
  code: DesktopErrorCode;
  message: string;
  /** The token's PIN flags after a wrong PIN, PUK, or a locked PIN. */
  pinState?: PinState;
  /** 422: why the server refused the signatures. */
  rejection?: Rejection;
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export interface Settings {
  language: Language;
  /** Extra PKCS#11 module paths, tried after EIMZA_PKCS11_MODULE and before discovery. */
  modulePaths: string[];
  /** API origins (scheme://host[:port]) used without asking the user. */
  allowedOrigins: string[];
  /** The origin a typed-in code goes to (a deep link names its own). */
  defaultApiOrigin: string;
}

export interface AppInfo {
  version: string;
  platform: string;
  /** Where settings, logs and support bundles live. */
  stateDir: string;
}

export interface OriginCheck {
  /** Normalised `scheme://host[:port]`. */
  origin: string;
  /** On the allow-list: no confirmation needed. */
  allowed: boolean;
  /** https, or http to the loopback address (test setups). */
  secure: boolean;
}

export type ExpiryStatus = 'valid' | 'expiring-soon' | 'expired' | 'not-yet-valid';

export interface CertificateView {
  id: string;
  tokenSerial: string;
  tokenLabel: string;
  moduleName: string;
  commonName?: string;
  subject: string;
  issuer: string;
  /** Issuer's common name, for cards. */
  issuerName: string;
  /** All but the first three and last two digits masked. */
  tcknMasked?: string;
  serialNumberHex: string;
  notBefore: string;
  notAfter: string;
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number;
  expiry: ExpiryStatus;
  /** 'RSA 2048', 'EC P-256'. */
  keyAlgorithm: string;
  keyUsage: string[];
  nonRepudiation: boolean;
  fingerprintSha256: string;
}

export interface CertificateChoicesView {
  usable: CertificateView[];
  excluded: Array<{ certificate: CertificateView; reason: ExclusionReason }>;
  signer: 'not-requested' | 'matched' | 'not-found';
  preselectedId?: string;
}

export interface TokenView {
  serial: string;
  label: string;
  manufacturer: string;
  model: string;
  moduleName: string;
  slotDescription: string;
  pinPad: boolean;
  userPin: PinState;
  soPin: PinState;
  minPinLength: number;
  maxPinLength: number;
  certificates: CertificateView[];
}

export interface ChallengeView {
  verificationCode: string;
  apiOrigin: string;
  service: Challenge['service'];
  purpose: Purpose;
  texts: Challenge['texts'];
  createdAt: string;
  expiresAt: string;
  signer?: Challenge['signer'];
}

export interface PinPrompt {
  certificateId: string;
  tokenSerial: string;
  /** The reader has its own keypad: sign with `pin: null`, the user types on the reader. */
  pinPad: boolean;
  pinState?: PinState;
  minPinLength: number;
  maxPinLength: number;
  /** Asked again after a wrong PIN. */
  retry: boolean;
}

export type SigningResultView =
  | { state: 'signed'; signer: Signer; report: Report }
  | { state: 'rejected'; rejection: Rejection; report: Report }
  | { state: 'recorded' };

export type SigningStep =
  'idle' | 'loading' | 'choosing' | 'signing' | 'submitting' | 'done' | 'failed' | 'expired';

/** Everything the renderer needs to draw the signing screens; pushed whole on every change. */
export interface SigningSnapshot {
  step: SigningStep;
  verificationCode?: string;
  apiOrigin?: string;
  challenge?: ChallengeView;
  /**
   * The server's countdown carried on by the main process's monotonic clock, as of `at`
   * (`performance.now()`-free: the renderer counts down from it with its own monotonic clock).
   */
  secondsLeft?: number;
  choices?: CertificateChoicesView;
  selectedCertificateId?: string;
  pinPrompt?: PinPrompt;
  /** E-Onay texts: the user has pressed KABUL EDİYORUM; signing is allowed only after. */
  accepted?: boolean;
  /** E-Onay texts: the user pressed KABUL ETMİYORUM; the flow ended without signing. */
  declined?: boolean;
  progress?: { index: number; total: number; textId: string };
  result?: SigningResultView;
  error?: IpcError & { retry: RetryHint };
}

export type CheckStatus = 'OK' | 'WARN' | 'FAIL';

export interface DiagnosticCheck {
  area: string;
  status: CheckStatus;
  /** Localised one-line finding. */
  text: string;
  /** Localised advice for WARN and FAIL. */
  hint?: string;
  /** Raw multi-line output behind the finding (the reader list as PC/SC tools print it). */
  detail?: string;
}

export interface DiagnosticsView {
  versions: Record<string, string>;
  checks: DiagnosticCheck[];
}

export interface DeepLink {
  code: string;
  apiOrigin: string;
}

/** What the main process pushes without being asked. */
export type AppEvent =
  | { type: 'signing'; snapshot: SigningSnapshot }
  | { type: 'tokens'; tokens: TokenView[] }
  | { type: 'deep-link'; link: DeepLink }
  | { type: 'deep-link-invalid'; error: IpcError }
  | { type: 'settings'; settings: Settings };

/**
 * Every invoke channel, its request and its answer. The preload API is these channels grouped by
 * the part before the colon; the main process registers one handler per channel.
 */
export interface IpcContract {
  'app:info': { request: void; response: AppInfo };
  'settings:get': { request: void; response: Settings };
  'settings:update': { request: Partial<Settings>; response: Settings };
  'origins:check': { request: { origin: string }; response: OriginCheck };
  'signing:start': {
    request: { code: string; apiOrigin: string; confirmedOrigin?: boolean };
    response: SigningSnapshot;
  };
  'signing:snapshot': { request: void; response: SigningSnapshot };
  'signing:refresh': { request: void; response: SigningSnapshot };
  'signing:select': { request: { certificateId: string }; response: SigningSnapshot };
  'signing:accept': { request: void; response: SigningSnapshot };
  'signing:decline': { request: void; response: SigningSnapshot };
  'signing:sign': {
    request: { certificateId: string; pin: string | null };
    response: SigningSnapshot;
  };
  'signing:resubmit': { request: void; response: SigningSnapshot };
  'signing:cancel': { request: void; response: SigningSnapshot };
  'signing:reset': { request: void; response: SigningSnapshot };
  'tokens:list': { request: void; response: TokenView[] };
  'pin:change': {
    request: { tokenSerial: string; oldPin: string; newPin: string };
    response: TokenView;
  };
  'pin:unlock': {
    request: { tokenSerial: string; puk: string; newPin: string };
    response: TokenView;
  };
  'pin:change-puk': {
    request: { tokenSerial: string; oldPuk: string; newPuk: string };
    response: TokenView;
  };
  'diagnostics:run': { request: void; response: DiagnosticsView };
  'diagnostics:save-bundle': { request: void; response: { path: string; files: string[] } };
}

export type Channel = keyof IpcContract;
export type RequestOf<C extends Channel> = IpcContract[C]['request'];
export type ResponseOf<C extends Channel> = IpcContract[C]['response'];

/** The one channel main → renderer events travel on. */
export const EVENT_CHANNEL = 'eimza:event';

/** The main side: one function per channel. `request` is untrusted until the handler checks it. */
export type MainHandlers = {
  [C in Channel]: (request: unknown) => Promise<IpcResult<ResponseOf<C>>>;
};

type Invoke<C extends Channel> =
  RequestOf<C> extends void
    ? () => Promise<IpcResult<ResponseOf<C>>>
    : (request: RequestOf<C>) => Promise<IpcResult<ResponseOf<C>>>;

/** `window.eimza`: what the preload script exposes to the renderer, and nothing more. */
export interface EimzaApi {
  app: { info: Invoke<'app:info'> };
  settings: { get: Invoke<'settings:get'>; update: Invoke<'settings:update'> };
  origins: { check: Invoke<'origins:check'> };
  signing: {
    start: Invoke<'signing:start'>;
    snapshot: Invoke<'signing:snapshot'>;
    refresh: Invoke<'signing:refresh'>;
    select: Invoke<'signing:select'>;
    accept: Invoke<'signing:accept'>;
    decline: Invoke<'signing:decline'>;
    sign: Invoke<'signing:sign'>;
    resubmit: Invoke<'signing:resubmit'>;
    cancel: Invoke<'signing:cancel'>;
    reset: Invoke<'signing:reset'>;
  };
  tokens: { list: Invoke<'tokens:list'> };
  pin: {
    change: Invoke<'pin:change'>;
    unlock: Invoke<'pin:unlock'>;
    changePuk: Invoke<'pin:change-puk'>;
  };
  diagnostics: { run: Invoke<'diagnostics:run'>; saveBundle: Invoke<'diagnostics:save-bundle'> };
  /** Subscribes to main-process events; returns the unsubscribe function. */
  onEvent(listener: (event: AppEvent) => void): () => void;
}

/** How the preload API reaches the main process: Electron's ipcRenderer, or a test page binding. */
export interface IpcTransport {
  invoke(channel: Channel, request: unknown): Promise<unknown>;
  onEvent(listener: (event: AppEvent) => void): () => void;
}
