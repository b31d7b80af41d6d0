import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { InProcessHub, type SessionEventHub } from './sse-hub.js';

/** The NOTIFY channel every API instance on one database LISTENs on. */
export const SESSION_CHANNEL = 'eimza_session_events';

const BACKOFF_START_MS = 100;
const BACKOFF_MAX_MS = 5_000;

export interface PgHubLogger {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

/**
 * A SessionEventHub for several API instances on one PostgreSQL database: publish wakes this
 * instance's subscribers at once and sends `NOTIFY eimza_session_events, '<instance>:<session>'`;
 * one dedicated connection per instance LISTENs and wakes the local subscribers of notifications
 * from other instances. Publish is called after the commit, so a notified instance reads the new
 * state. When the listening connection drops it reconnects with exponential backoff and then wakes
 * every local subscriber, because notifications sent meanwhile are lost (subscribers re-read the
 * state from the database, so an extra wake-up is harmless).
 */
export class PgNotifyHub implements SessionEventHub {
  private readonly local = new InProcessHub();
  private readonly instance = randomUUID();
  private readonly subscribed = new Map<string, number>();
  private readonly notifier: pg.Pool;
  private listener: pg.Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private backoffMs = BACKOFF_START_MS;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly log: PgHubLogger,
  ) {
    this.notifier = new pg.Pool({ connectionString: url, max: 2 });
    this.notifier.on('error', (error) => this.log.warn({ err: error }, 'notify connection lost'));
  }

  /** Connects the listening client; rejects if the first connection fails. */
  static async start(url: string, log: PgHubLogger): Promise<PgNotifyHub> {
    const hub = new PgNotifyHub(url, log);
    try {
      await hub.listen();
    } catch (error) {
      await hub.close();
      throw error;
    }
    return hub;
  }

  publish(sessionId: string): void {
    this.local.publish(sessionId);
    this.notifier
      .query('SELECT pg_notify($1, $2)', [SESSION_CHANNEL, `${this.instance}:${sessionId}`])
      .catch((error: unknown) =>
        this.log.warn({ err: error, sessionId }, 'NOTIFY failed; other instances miss this event'),
      );
  }

  subscribe(sessionId: string, listener: () => void): () => void {
    this.subscribed.set(sessionId, (this.subscribed.get(sessionId) ?? 0) + 1);
    const off = this.local.subscribe(sessionId, listener);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      off();
      const left = (this.subscribed.get(sessionId) ?? 1) - 1;
      if (left > 0) this.subscribed.set(sessionId, left);
      else this.subscribed.delete(sessionId);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = undefined;
    await Promise.allSettled([listener?.end(), this.notifier.end()]);
    await this.local.close();
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => this.onNotification(message.payload));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('listening connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${SESSION_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      throw error;
    }
    this.listener = client;
  }

  private onNotification(payload: string | undefined): void {
    if (!payload) return;
    const split = payload.indexOf(':');
    if (split < 0 || payload.slice(0, split) === this.instance) return;
    this.local.publish(payload.slice(split + 1));
  }

  private lost(client: pg.Client, error: Error): void {
    if (this.closed || this.listener !== client) return;
    this.listener = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => {});
    this.log.warn({ err: error, retryInMs: this.backoffMs }, 'LISTEN connection lost');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
    this.reconnectTimer = setTimeout(() => {
      if (this.closed) return;
      this.listen().then(
        () => {
          if (this.closed) {
            void this.listener?.end();
            return;
          }
          this.backoffMs = BACKOFF_START_MS;
          this.log.info({}, 'LISTEN connection restored');
          // Notifications sent while disconnected are gone: let every watcher re-read its session.
          for (const sessionId of this.subscribed.keys()) this.local.publish(sessionId);
        },
        (error: unknown) => {
          this.log.warn({ err: error, retryInMs: this.backoffMs }, 'LISTEN reconnect failed');
          this.scheduleReconnect();
        },
      );
    }, delay);
    this.reconnectTimer.unref();
  }
}
