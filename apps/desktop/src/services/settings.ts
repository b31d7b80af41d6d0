import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Logger } from 'pino';
import type { Language, Settings } from '../shared/ipc.js';
import { DesktopError } from './errors.js';
import { isSecureOrigin, normaliseOrigin } from './origins.js';

export const SETTINGS_FILE = 'desktop-settings.json';

/** Where `npm start` serves the API. */
export const LOCAL_API_ORIGIN = 'http://127.0.0.1:8080';

export const SettingsSchema = Type.Object(
  {
    language: Type.Union([Type.Literal('tr'), Type.Literal('en')]),
    modulePaths: Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), { maxItems: 32 }),
    allowedOrigins: Type.Array(Type.String({ minLength: 1, maxLength: 2048 }), { maxItems: 64 }),
    defaultApiOrigin: Type.String({ minLength: 1, maxLength: 2048 }),
  },
  { additionalProperties: false },
);

export const SettingsUpdateSchema = Type.Partial(SettingsSchema, { additionalProperties: false });
export type SettingsUpdate = Static<typeof SettingsUpdateSchema>;

export function defaultSettings(env: NodeJS.ProcessEnv): Settings {
  const language: Language = (env.LANG ?? '').toLowerCase().startsWith('en') ? 'en' : 'tr';
  let defaultApiOrigin = LOCAL_API_ORIGIN;
  if (env.EIMZA_API_URL) {
    try {
      defaultApiOrigin = normaliseOrigin(env.EIMZA_API_URL);
    } catch {
      // An unusable EIMZA_API_URL falls back to the local API rather than stopping the app.
    }
  }
  return { language, modulePaths: [], defaultApiOrigin, allowedOrigins: [defaultApiOrigin] };
}

function secureOrigin(input: string): string {
  const origin = normaliseOrigin(input);
  if (!isSecureOrigin(origin))
    throw new DesktopError('ORIGIN_INVALID', { detail: 'insecure origin' });
  return origin;
}

/**
 * Settings with their meaning checked: origins are secure http(s) origins (normalised, no
 * duplicates), module paths absolute. Throws SETTINGS_INVALID.
 */
export function validateSettings(settings: Settings): Settings {
  try {
    const allowedOrigins = [...new Set(settings.allowedOrigins.map(secureOrigin))];
    const defaultApiOrigin = secureOrigin(settings.defaultApiOrigin);
    if (!settings.modulePaths.every((path) => isAbsolute(path))) {
      throw new DesktopError('SETTINGS_INVALID', { detail: 'module path not absolute' });
    }
    return {
      language: settings.language,
      modulePaths: [...new Set(settings.modulePaths)],
      allowedOrigins,
      defaultApiOrigin,
    };
  } catch (error) {
    if (error instanceof DesktopError && error.code === 'SETTINGS_INVALID') throw error;
    throw new DesktopError('SETTINGS_INVALID', {
      detail: error instanceof DesktopError ? (error.detail ?? error.code) : 'invalid',
    });
  }
}

export interface SettingsStore {
  readonly path: string;
  get(): Settings;
  /** Validates, writes atomically, and answers the stored settings. */
  update(change: SettingsUpdate): Settings;
}

/**
 * The settings file in the state folder. A missing file means the defaults; an unreadable or
 * invalid one is kept as `.bad` beside it (for support) and the defaults are used.
 */
export function openSettingsStore(options: {
  stateDir: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}): SettingsStore {
  const path = join(options.stateDir, SETTINGS_FILE);
  const defaults = defaultSettings(options.env);
  let current = load(path, defaults, options.logger);

  return {
    path,
    get: () => structuredClone(current),
    update(change) {
      const next = validateSettings({ ...current, ...change });
      writeAtomically(path, `${JSON.stringify(next, null, 2)}\n`);
      current = next;
      options.logger.info(
        {
          changed: Object.keys(change),
          modulePaths: next.modulePaths.length,
          origins: next.allowedOrigins,
        },
        'settings saved',
      );
      return structuredClone(current);
    },
  };
}

function load(path: string, defaults: Settings, logger: Logger): Settings {
  if (!existsSync(path)) return defaults;
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (!Value.Check(SettingsSchema, parsed)) {
      throw new DesktopError('SETTINGS_INVALID', { detail: 'schema' });
    }
    return validateSettings(parsed);
  } catch (error) {
    const bad = `${path}.bad`;
    renameSync(path, bad);
    logger.warn(
      { path, keptAs: bad, reason: error instanceof DesktopError ? error.detail : 'not JSON' },
      'settings file unusable; using the defaults',
    );
    return defaults;
  }
}

function writeAtomically(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600 });
  renameSync(temporary, path);
}
