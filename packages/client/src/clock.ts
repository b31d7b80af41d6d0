/**
 * A clock that only moves forward (performance.now in Node and Electron), so that a user
 * changing the PC's date, or a wrong one, cannot stretch or cut the countdown.
 */
export interface MonotonicClock {
  /** Milliseconds from an arbitrary origin. */
  now(): number;
  /** Runs `callback` after `ms` of this clock; returns the function that cancels it. */
  setTimer(ms: number, callback: () => void): () => void;
}

export const systemMonotonicClock: MonotonicClock = {
  now: () => performance.now(),
  setTimer: (ms, callback) => {
    const timer = setTimeout(callback, ms);
    // A pending countdown must not keep a CLI process alive.
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** The server's countdown, carried on by the monotonic clock from the moment it was read. */
export class Countdown {
  private readonly deadline: number;

  constructor(
    secondsLeft: number,
    private readonly clock: MonotonicClock,
  ) {
    this.deadline = clock.now() + secondsLeft * 1000;
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - this.clock.now());
  }

  /** Whole seconds left, rounded down as the portal shows them. */
  secondsLeft(): number {
    return Math.floor(this.remainingMs() / 1000);
  }

  get expired(): boolean {
    return this.remainingMs() <= 0;
  }

  /** Calls `callback` when the countdown reaches zero; returns the function that cancels it. */
  onExpiry(callback: () => void): () => void {
    return this.clock.setTimer(this.remainingMs(), callback);
  }

  /**
   * The server's present time, estimated as its `expiresAt` minus what is left: the local
   * wall clock may be hours off, and the API checks the signing time against the session.
   */
  serverNow(expiresAt: string): Date {
    return new Date(Date.parse(expiresAt) - this.remainingMs());
  }
}
