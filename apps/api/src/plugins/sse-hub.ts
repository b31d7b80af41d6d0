import { EventEmitter } from 'node:events';

/**
 * Tells whoever watches a session that its state changed. Only the id travels: subscribers read
 * the state from the database, so an implementation over PostgreSQL LISTEN/NOTIFY (several API
 * instances on one database) can share this interface with the in-process one.
 */
export interface SessionEventHub {
  publish(sessionId: string): void;
  subscribe(sessionId: string, listener: () => void): () => void;
  close(): Promise<void>;
}

export class InProcessHub implements SessionEventHub {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open SSE stream; many portal tabs may watch at once.
    this.emitter.setMaxListeners(0);
  }

  publish(sessionId: string): void {
    this.emitter.emit(sessionId);
  }

  subscribe(sessionId: string, listener: () => void): () => void {
    this.emitter.on(sessionId, listener);
    return () => this.emitter.off(sessionId, listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
