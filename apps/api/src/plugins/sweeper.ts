import type { FastifyBaseLogger } from 'fastify';
import type { Store } from '../storage/store.js';
import type { SessionEventHub } from './sse-hub.js';

/** Periodically marks overdue pending sessions expired and tells their watchers. */
export class ExpirySweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly hub: SessionEventHub,
    private readonly log: FastifyBaseLogger,
    private readonly onExpired: (count: number) => void = () => {},
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.sweep(), intervalMs);
    this.timer.unref();
  }

  /** One pass; concurrent calls share the pass in progress. */
  sweep(): Promise<void> {
    this.running ??= this.store
      .expireDue(Date.now())
      .then((ids) => {
        for (const id of ids) this.hub.publish(id);
        if (ids.length > 0) this.onExpired(ids.length);
      })
      .catch((error: unknown) => this.log.warn({ err: error }, 'expiry sweep failed'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
