import type { SignatureValidator } from './domain/validator.js';
import type { ApiConfig } from './plugins/config.js';
import type { ApiMetrics } from './plugins/metrics.js';
import type { SessionEventHub } from './plugins/sse-hub.js';
import type { SseStreams } from './plugins/sse-streams.js';
import type { ExpirySweeper } from './plugins/sweeper.js';
import type { Store } from './storage/store.js';

/** What the routes share; built once per app by buildApp. */
export interface AppContext {
  readonly config: ApiConfig;
  readonly store: Store;
  readonly hub: SessionEventHub;
  /** Absent when no trust anchors are configured: validation routes then answer 503. */
  readonly validator: SignatureValidator | undefined;
  readonly metrics: ApiMetrics;
  readonly streams: SseStreams;
  readonly sweeper: ExpirySweeper;
}

declare module 'fastify' {
  interface FastifyInstance {
    eimza: AppContext;
  }
}
