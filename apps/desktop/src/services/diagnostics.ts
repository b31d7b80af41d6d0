import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  collectFindings,
  renderCheck,
  writeBundle,
  type Findings,
  type Translate,
} from '@eimza/diagnostics';
import { stateDir } from '@eimza/state';
import type { TokenService } from '@eimza/token';
import i18next from 'i18next';
import en from '../../../../resources/locales/en.json' with { type: 'json' };
import tr from '../../../../resources/locales/tr.json' with { type: 'json' };
import packageJson from '../../package.json' with { type: 'json' };
import type { DiagnosticCheck, DiagnosticsView, Language } from '../shared/ipc.js';
import { DesktopError } from './errors.js';

export interface DiagnosticsServiceOptions {
  /** The app's current token layer (it may be re-opened when the module paths change). */
  tokens: () => TokenService;
  env: NodeJS.ProcessEnv;
  /** The API whose reachability and clock are checked: the settings' default origin. */
  apiOrigin: () => string;
  language: () => Language;
}

/** Texts in the desktop wording: hints name the app's screens, not CLI commands (`…_desktop` keys). */
const RENDER = { context: 'desktop' } as const;

/**
 * The "Tanılama" screen's checks (the same as `eimza doctor`) and the support bundle the user mails to
 * the helpdesk, written to `<stateDir>/support/eimza-destek-<UTC timestamp>.zip` (BUNDLE_FAILED when it
 * cannot be). Nothing here asks for a PIN, so none can reach the view or the bundle.
 */
export function createDiagnosticsService(options: DiagnosticsServiceOptions): {
  run(): Promise<DiagnosticsView>;
  saveBundle(): Promise<{ path: string; files: string[] }>;
} {
  const collect = (): Promise<Findings> =>
    collectFindings({
      tokens: options.tokens(),
      apiUrl: options.apiOrigin(),
      appVersion: packageJson.version,
      extraVersions: runtimeVersions(),
    });

  return {
    async run() {
      const findings = await collect();
      return {
        versions: findings.versions,
        checks: toView(findings, translator(options.language())),
      };
    },
    async saveBundle() {
      const findings = await collect();
      const folder = join(stateDir(options.env), 'support');
      try {
        await mkdir(folder, { recursive: true });
        const path = unusedBundlePath(folder, utcStamp(new Date()));
        const files = await writeBundle(
          path,
          translator(options.language()),
          findings,
          options.env,
          RENDER,
        );
        return { path, files };
      } catch (error) {
        throw new DesktopError('BUNDLE_FAILED', { detail: errorCode(error) });
      }
    },
  };
}

function toView(findings: Findings, t: Translate): DiagnosticCheck[] {
  return findings.checks.map((check) => {
    const { message, hint } = renderCheck(t, check, RENDER);
    const detail = check.area === 'readers' ? findings.readers?.output : undefined;
    return {
      area: check.area,
      status: check.status,
      text: message,
      ...(hint ? { hint } : {}),
      ...(detail ? { detail } : {}),
    };
  });
}

/** Electron's and Chromium's versions when running inside Electron (tests run on plain Node). */
function runtimeVersions(): Record<string, string> {
  const { electron, chrome } = process.versions as NodeJS.ProcessVersions & {
    electron?: string;
    chrome?: string;
  };
  return { ...(electron ? { electron } : {}), ...(chrome ? { chrome } : {}) };
}

/** A second bundle within the same second gets `-2`, `-3`…: an earlier one is never overwritten. */
export function unusedBundlePath(folder: string, stamp: string): string {
  let path = join(folder, `eimza-destek-${stamp}.zip`);
  for (let n = 2; existsSync(path); n++) path = join(folder, `eimza-destek-${stamp}-${n}.zip`);
  return path;
}

/** `20261125-064500Z`: sortable, and valid in file names on every OS (no colons). */
function utcStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '')
    .replace('T', '-');
}

/** The file system's error code (EACCES, ENOSPC, ...): PIN-free detail for the log. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown';
}

const translators = new Map<Language, Translate>();

/** One i18next instance per language over the shared locale files (synchronous: resources are bundled). */
function translator(language: Language): Translate {
  let t = translators.get(language);
  if (!t) {
    const instance = i18next.createInstance();
    void instance.init({
      lng: language,
      fallbackLng: 'en',
      initAsync: false,
      resources: { tr: { translation: tr }, en: { translation: en } },
      interpolation: { escapeValue: false },
      returnNull: false,
    });
    t = instance.t.bind(instance);
    translators.set(language, t);
  }
  return t;
}
