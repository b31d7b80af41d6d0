import { useEffect, useState } from 'react';

/** Seconds left from the latest snapshot's figure, carried on by this page's monotonic clock. */
export function remainingSeconds(secondsLeft: number, receivedAt: number, now: number): number {
  return Math.max(0, Math.ceil(secondsLeft - (now - receivedAt) / 1000));
}

/**
 * Counts down from `secondsLeft` as of `receivedAt` (a `performance.now()` reading). The wall clock
 * is never used for elapsed time: users' PCs often have a wrong clock, and it may jump.
 */
export function useCountdown(
  secondsLeft: number | undefined,
  receivedAt: number,
): number | undefined {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (secondsLeft === undefined) return;
    setNow(performance.now());
    const timer = setInterval(() => setNow(performance.now()), 250);
    return () => clearInterval(timer);
  }, [secondsLeft, receivedAt]);
  return secondsLeft === undefined ? undefined : remainingSeconds(secondsLeft, receivedAt, now);
}

/** The moments worth announcing to a screen reader; announcing every second would drown it. */
export function countdownWarning(seconds: number): 'minute' | 'half' | 'ten' | undefined {
  if (seconds === 0) return undefined;
  if (seconds <= 10) return 'ten';
  if (seconds <= 30) return 'half';
  if (seconds <= 60) return 'minute';
  return undefined;
}
