import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { sendError } from '../plugins/errors.js';

export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const hide = { schema: { hide: true } };
  app.get('/healthz', hide, async () => ({ status: 'ok' }));
  app.get('/readyz', hide, async (request, reply) => {
    try {
      await ctx.store.ping();
      return { status: 'ready', database: ctx.store.kind, validator: ctx.validator !== undefined };
    } catch (error) {
      request.log.warn({ err: error }, 'database unreachable');
      return sendError(reply, 503, 'NOT_READY', 'the database is unreachable');
    }
  });
}
