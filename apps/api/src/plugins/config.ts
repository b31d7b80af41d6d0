import { delimiter, join } from 'node:path';
import { stateDir } from '@eimza/state';

/** require: no revocation answer is INDETERMINATE/TRY_LATER; soft-fail: tolerated (test setups); off. */
export type RevocationMode = 'require' | 'soft-fail' | 'off';

export interface RateLimitConfig {
  /** Requests allowed per client address in one window. */
  readonly max: number;
  readonly windowMs: number;
}

export type DatabaseConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string };

export interface ApiConfig {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseConfig;
  readonly sessionTtlSeconds: number;
  /** Shown to the signer and written into every text to sign. */
  readonly service: { readonly name: string; readonly origin: string };
  /** PEM files or folders (path-delimited list) with the only anchors the API trusts. */
  readonly trustAnchors: readonly string[];
  readonly revocation: RevocationMode;
  /** Extra CA certificates (PEM files or folders) to complete chains the CMS does not carry. */
  readonly trustIntermediates: readonly string[];
  readonly requiredPolicies: readonly string[];
  readonly requireQualified: boolean;
  readonly rateLimits: { readonly sessions: RateLimitConfig; readonly challenges: RateLimitConfig };
  readonly bodyLimitBytes: number;
  readonly sweepIntervalMs: number;
  /** Tolerated difference between a signature time stamp and the session's lifetime. */
  readonly clockSkewMs: number;
  readonly logLevel: string;
  /** Behind a reverse proxy, take the client address from X-Forwarded-For. */
  readonly trustProxy: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function list(raw: string | undefined, separator: string | RegExp): string[] {
  return (raw ?? '')
    .split(separator)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function database(env: NodeJS.ProcessEnv): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  if (url && /^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  if (url) return { kind: 'sqlite', path: url.replace(/^sqlite:(\/\/)?/i, '') };
  return { kind: 'sqlite', path: join(stateDir(env), 'api.sqlite') };
}

const REVOCATION_MODES: Readonly<Record<string, RevocationMode>> = {
  require: 'require',
  hard: 'require',
  'soft-fail': 'soft-fail',
  soft: 'soft-fail',
  off: 'off',
};

function revocation(env: NodeJS.ProcessEnv): RevocationMode {
  const mode = REVOCATION_MODES[(env.EIMZA_REVOCATION ?? 'require').trim().toLowerCase()];
  if (mode) return mode;
  throw new ConfigError(
    `EIMZA_REVOCATION must be require, soft-fail or off, got "${env.EIMZA_REVOCATION}"`,
  );
}

/** The API's whole configuration, from the environment; throws ConfigError on a bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const port = integer(env, 'PORT', 8080, 0, 65535);
  const host = env.HOST?.trim() || '127.0.0.1';
  const window = integer(env, 'EIMZA_RATE_LIMIT_WINDOW_MS', 60_000, 1, 86_400_000);
  const origin = env.EIMZA_SERVICE_ORIGIN?.trim() || `http://${host}:${port}`;
  try {
    new URL(origin);
  } catch {
    throw new ConfigError(`EIMZA_SERVICE_ORIGIN must be a URL, got "${origin}"`);
  }
  return {
    port,
    host,
    database: database(env),
    sessionTtlSeconds: integer(env, 'EIMZA_SESSION_TTL', 285, 10, 86_400),
    service: { name: env.EIMZA_SERVICE_NAME?.trim() || 'NES Bireysel (test)', origin },
    trustAnchors: list(env.EIMZA_TRUST_ANCHORS, delimiter),
    trustIntermediates: list(env.EIMZA_TRUST_INTERMEDIATES, delimiter),
    revocation: revocation(env),
    requiredPolicies: list(env.EIMZA_REQUIRED_POLICIES, /[\s,]+/),
    requireQualified: flag(env, 'EIMZA_REQUIRE_QUALIFIED', false),
    rateLimits: {
      sessions: {
        max: integer(env, 'EIMZA_RATE_LIMIT_SESSIONS', 30, 1, 1_000_000),
        windowMs: window,
      },
      challenges: {
        max: integer(env, 'EIMZA_RATE_LIMIT_CHALLENGES', 60, 1, 1_000_000),
        windowMs: window,
      },
    },
    bodyLimitBytes: integer(env, 'EIMZA_BODY_LIMIT', 256 * 1024, 1024, 64 * 1024 * 1024),
    sweepIntervalMs: integer(env, 'EIMZA_SWEEP_INTERVAL_MS', 5_000, 10, 3_600_000),
    clockSkewMs: integer(env, 'EIMZA_CLOCK_SKEW_MS', 60_000, 0, 3_600_000),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    trustProxy: flag(env, 'EIMZA_TRUST_PROXY', false),
  };
}
