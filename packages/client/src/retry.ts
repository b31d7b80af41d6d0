import { ClientError } from './errors.js';

export interface RetryPolicy {
  /** Tries in all, the first included; default 3. */
  attempts: number;
  /** The first back-off step; default 300 ms. Step n waits up to base·2ⁿ. */
  baseDelayMs: number;
  /** No single wait is longer; default 5000 ms. */
  maxDelayMs: number;
  /** A 429 whose Retry-After is longer than this is not waited for but reported; default 10 s. */
  maxRetryAfterSeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 300,
  maxDelayMs: 5000,
  maxRetryAfterSeconds: 10,
};

/** Outcomes worth another try of a call without side effects. */
export function isTransient(error: ClientError, policy: RetryPolicy): boolean {
  switch (error.code) {
    case 'NETWORK':
    case 'TIMEOUT':
    case 'SERVER_ERROR':
      return true;
    case 'RATE_LIMITED':
      return (error.retryAfterSeconds ?? 0) <= policy.maxRetryAfterSeconds;
    default:
      return false;
  }
}

/**
 * "Equal jitter": half the exponential step fixed, half random, so that clients that failed
 * together do not come back together, and no wait is zero.
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return step / 2 + random() * (step / 2);
}

/** The wait before the next try: the server's Retry-After when it gave one, else the back-off. */
export function retryDelayMs(
  error: ClientError,
  retry: number,
  policy: RetryPolicy,
  random: () => number,
): number {
  if (error.code === 'RATE_LIMITED' && error.retryAfterSeconds !== undefined) {
    return error.retryAfterSeconds * 1000 + random() * policy.baseDelayMs;
  }
  return backoffDelayMs(retry, policy, random);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ClientError('CANCELLED'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ClientError('CANCELLED'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
