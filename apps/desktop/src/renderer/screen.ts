import type { SigningSnapshot } from '../shared/ipc.js';

export type SigningView = 'code' | 'code-again' | 'progress' | 'challenge' | 'outcome';

/**
 * Which signing screen a snapshot calls for, and whether the session counts as expired: by the
 * main process's word, or by this page's countdown while the user still has something to do
 * (a signed outcome stays signed when the clock later runs out).
 */
export function signingView(
  snapshot: SigningSnapshot,
  secondsLeft: number | undefined,
): { view: SigningView; expired: boolean } {
  const { step, challenge, error } = snapshot;
  const waitingForUser = step === 'choosing' || step === 'failed';
  const expired =
    step === 'expired' || (challenge !== undefined && secondsLeft === 0 && waitingForUser);

  if (step === 'idle') return { view: 'code', expired: false };
  // A code that never loaded (unknown, used, server unreachable): back to the code, with the reason.
  if (step === 'failed' && !challenge && error && !snapshot.declined)
    return { view: 'code-again', expired: false };
  if (step === 'loading' || step === 'signing' || step === 'submitting')
    return { view: 'progress', expired: false };
  // Wrong PIN, locked PIN (also once unlocked), card removed or missing: fixed on the same page,
  // the challenge in view.
  const fixHere =
    step === 'failed' &&
    challenge !== undefined &&
    !snapshot.declined &&
    (error === undefined || error.retry === 'sign' || error.retry === 'certificates');
  if (step === 'choosing' || fixHere || (expired && challenge))
    return { view: 'challenge', expired };
  return { view: 'outcome', expired };
}
