import type { Challenge, Rejection, Report, Signer } from '@eimza/protocol';
import type { PinState } from '@eimza/token';
import type { CertificateChoices } from './certificates.js';
import type { ClientError } from './errors.js';

/** How a signing attempt ended, as far as the desktop side can know it. */
export type SigningResult =
  | { state: 'signed'; signer: Signer; report: Report }
  | { state: 'rejected'; rejection: Rejection; report: Report }
  /**
   * The answer to the submission was lost, and the server now reports the code as used: the
   * submission reached it. Whether it was accepted, the portal page shows.
   */
  | { state: 'recorded' };

/**
 * What the UI may do after a failure: `load` the code again, `certificates` (insert a card,
 * then refresh), `sign` again (another PIN, or after a PUK unlock), `submit` the same signatures
 * again (only when the server confirmed that the first submission did not reach it), or `none`.
 */
export type RetryHint = 'load' | 'certificates' | 'sign' | 'submit' | 'none';

export type SigningEvent =
  | {
      type: 'challenge-loaded';
      verificationCode: string;
      challenge: Challenge;
      secondsLeft: number;
    }
  | { type: 'certificates'; choices: CertificateChoices }
  | {
      type: 'pin-required';
      certificateId: string;
      /** The card reads the PIN on its own keypad: call sign() with `null`. */
      pinPad: boolean;
      /** The card's PIN flags before entry (tries low, final try), when the token reports them. */
      pinState?: PinState;
      /** Asked again after a wrong PIN. */
      retry: boolean;
    }
  | { type: 'signing'; textId: string; index: number; total: number }
  | { type: 'submitted'; textIds: string[] }
  | { type: 'done'; result: SigningResult }
  | { type: 'failed'; error: ClientError; retry: RetryHint }
  | { type: 'expired' };

export type SigningEventType = SigningEvent['type'];
