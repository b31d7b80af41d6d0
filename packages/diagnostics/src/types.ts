import type { ModuleReport, TokenInfo } from '@eimza/token';

export type CheckStatus = 'OK' | 'WARN' | 'FAIL';

export type CheckArea =
  'system' | 'module' | 'pcscd' | 'readers' | 'token' | 'certificate' | 'api' | 'clock';

/** One finding; `key`/`params` are localised when shown, so the JSON form stays stable across languages. */
export interface Check {
  area: CheckArea;
  status: CheckStatus;
  /** i18n key (in the locale files' `doctor` section) of the finding. */
  key: string;
  params: Record<string, string | number>;
  /** i18n key of what to do about a WARN or FAIL. */
  hint?: string;
}

export interface Versions {
  eimza: string;
  node: string;
  os: string;
  arch: string;
  /** Further runtime versions the caller adds (the desktop app: electron, chrome). */
  [component: string]: string;
}

/** Readers as PC/SC sees them: the tool that listed them and its output. */
export interface ReaderListing {
  tool: string;
  output: string;
}

export interface Findings {
  versions: Versions;
  checks: Check[];
  modules: ModuleReport[];
  tokens: TokenInfo[];
  /** Public data only: what the certificate itself shows anyone it is sent to. */
  certificates: Array<Record<string, unknown>>;
  readers: ReaderListing | null;
}

/**
 * Localises a key with its parameters. i18next's `t` fits; `context` selects a variant (`doctor.hints.api`
 * with context `desktop` reads `doctor.hints.api_desktop` when it exists, else the plain key).
 */
export type Translate = (key: string, options?: Record<string, unknown>) => string;
