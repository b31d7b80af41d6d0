import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SignatureValidator } from '../domain/validator.js';

export class ApiMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'eimza_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'eimza_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly validations = new Counter({
    name: 'eimza_signature_validations_total',
    help: 'Signature validations by indication',
    labelNames: ['indication'] as const,
    registers: [this.registry],
  });
  readonly validationDuration = new Histogram({
    name: 'eimza_signature_validation_duration_seconds',
    help: 'Signature validation duration',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly sessions = new Counter({
    name: 'eimza_sessions_total',
    help: 'Sessions by outcome (created, signed, rejected, expired)',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'eimza_' });
  }

  /** The validator, counting and timing every validation. */
  instrument(validator: SignatureValidator): SignatureValidator {
    return {
      validate: async (input) => {
        const stop = this.validationDuration.startTimer();
        try {
          const report = await validator.validate(input);
          this.validations.inc({ indication: report.indication });
          return report;
        } catch (error) {
          this.validations.inc({ indication: 'ERROR' });
          throw error;
        } finally {
          stop();
        }
      },
    };
  }
}

export function installRequestMetrics(app: FastifyInstance, metrics: ApiMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.requestDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
}
