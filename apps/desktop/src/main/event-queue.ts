import type { AppEvent } from '../shared/ipc.js';

/**
 * Holds main → renderer events until the window can receive them (a deep link from the command line
 * arrives before the renderer has loaded), then delivers them in order.
 */
export class EventQueue {
  private pending: AppEvent[] = [];
  private sink: ((event: AppEvent) => void) | undefined;

  constructor(private readonly limit = 100) {}

  push(event: AppEvent): void {
    if (this.sink) {
      this.sink(event);
      return;
    }
    this.pending.push(event);
    if (this.pending.length > this.limit) this.pending.shift();
  }

  /** Starts delivering: first what waited, then everything as it comes. */
  open(sink: (event: AppEvent) => void): void {
    this.sink = sink;
    const waiting = this.pending;
    this.pending = [];
    for (const event of waiting) sink(event);
  }

  /** The window is gone or reloading: hold events again. */
  close(): void {
    this.sink = undefined;
  }
}
