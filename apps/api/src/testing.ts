import type { ApiConfig, DatabaseConfig } from './plugins/config.js';

/**
 * A complete API configuration for tests (this package's and the client's and CLI's end-to-end
 * tests): loopback, an ephemeral port, rate limits out of the way; everything else as overridden.
 */
export function testConfig(
  database: DatabaseConfig,
  overrides: Partial<ApiConfig> = {},
): ApiConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    database,
    sessionTtlSeconds: 285,
    service: { name: 'NES Bireysel (test)', origin: 'https://nesbireysel.test.example' },
    trustAnchors: [],
    trustIntermediates: [],
    revocation: 'require',
    requiredPolicies: [],
    requireQualified: false,
    rateLimits: {
      sessions: { max: 10_000, windowMs: 60_000 },
      challenges: { max: 10_000, windowMs: 60_000 },
    },
    bodyLimitBytes: 256 * 1024,
    sweepIntervalMs: 60_000,
    clockSkewMs: 60_000,
    logLevel: 'info',
    trustProxy: false,
    ...overrides,
  };
}
