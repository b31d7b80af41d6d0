import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

/** Prometheus text exposition of request, validation and session metrics. */
export function registerMetricsRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const body = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(body);
  });
}
