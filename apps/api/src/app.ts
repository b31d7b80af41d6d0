import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import swagger from '@fastify/swagger';
import { PROTOCOL_BASE_PATH } from '@eimza/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from './context.js';
import type { SignatureValidator } from './domain/validator.js';
import type { ApiConfig } from './plugins/config.js';
import { installErrorHandling, sendError } from './plugins/errors.js';
import { loggerOptions } from './plugins/logging.js';
import { ApiMetrics, installRequestMetrics } from './plugins/metrics.js';
import { installRateLimit } from './plugins/rate-limit.js';
import { PgNotifyHub } from './plugins/pg-hub.js';
import { InProcessHub, type SessionEventHub } from './plugins/sse-hub.js';
import { SseStreams } from './plugins/sse-streams.js';
import { ExpirySweeper } from './plugins/sweeper.js';
import { registerChallengeRoutes } from './routes/challenges.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { registerSessionRoutes } from './routes/sessions.js';
import { registerVerifyRoute } from './routes/verify.js';
import { portalPlugin } from './portal/plugin.js';
import type { SmsSender } from './portal/sms.js';
import { registerSchemas } from './schemas.js';
import { openDatabase } from './storage/database.js';
import { Store } from './storage/store.js';

export interface BuildAppOptions {
  readonly config: ApiConfig;
  /** CAdES validation; without it the signature and verify routes answer 503. */
  readonly validator?: SignatureValidator;
  /** Session change notifications; in-process by default. */
  readonly hub?: SessionEventHub;
  /** Where JSON log lines go; logging is off when neither this nor `log` is set. */
  readonly logStream?: Writable;
  readonly log?: boolean;
  /** Where the portal's SMS codes go; the development outbox (/dev/sms-outbox) by default. */
  readonly sms?: SmsSender;
}

/** Builds the API: opens and migrates the database, registers plugins and every route. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const logging = options.logStream !== undefined || options.log === true;
  const app = Fastify({
    logger: logging
      ? {
          ...loggerOptions(config.logLevel),
          ...(options.logStream ? { stream: options.logStream } : {}),
        }
      : false,
    genReqId: () => randomUUID(),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    // Malformed URLs never reach a route; answer them in the one error format too.
    frameworkErrors: (error, _request, reply) => {
      sendError(reply, 400, 'BAD_REQUEST', error.message);
    },
    // Unknown fields are refused, never silently dropped; strings are never coerced from numbers.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false } },
  });

  const database = await openDatabase(config.database, (error) =>
    app.log.warn({ err: error }, 'idle database connection lost'),
  );
  const store = new Store(database, config.database.kind);
  const metrics = new ApiMetrics();
  // Several instances may share a PostgreSQL database: their SSE watchers hear each other's changes.
  let hub: SessionEventHub;
  try {
    hub =
      options.hub ??
      (config.database.kind === 'postgres'
        ? await PgNotifyHub.start(config.database.url, app.log)
        : new InProcessHub());
  } catch (error) {
    await store.close();
    throw error;
  }
  const ctx: AppContext = {
    config,
    store,
    hub,
    validator: options.validator ? metrics.instrument(options.validator) : undefined,
    metrics,
    streams: new SseStreams(),
    sweeper: new ExpirySweeper(store, hub, app.log, (n) =>
      metrics.sessions.inc({ event: 'expired' }, n),
    ),
  };
  app.decorate('eimza', ctx);

  let closing = false;
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // A request that was in flight at shutdown must not leave a keep-alive socket holding the server open.
    if (closing) reply.header('connection', 'close');
  });
  // Shutdown: end the SSE streams first, or closing the server would wait for the browsers.
  app.addHook('preClose', async () => {
    closing = true;
    ctx.streams.closeAll();
    await ctx.sweeper.stop();
  });
  app.addHook('onClose', async () => {
    await hub.close();
    await store.close();
  });

  installErrorHandling(app);
  installRequestMetrics(app, metrics);
  registerSchemas(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'eimza API',
        version: '1',
        description: 'Wire protocol version 1 (protocol.md)',
      },
      components: { securitySchemes: { browserToken: { type: 'http', scheme: 'bearer' } } },
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`),
    },
  });
  await installRateLimit(app);

  await app.register(
    async (api) => {
      registerSessionRoutes(api, ctx);
      registerChallengeRoutes(api, ctx);
      registerVerifyRoute(api, ctx);
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: PROTOCOL_BASE_PATH },
  );
  await app.register(portalPlugin, { ctx, ...(options.sms ? { sms: options.sms } : {}) });
  registerHealthRoutes(app, ctx);
  registerMetricsRoute(app, ctx);

  await app.ready();
  ctx.sweeper.start(config.sweepIntervalMs);
  return app;
}
