import { existsSync, readFileSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleReport } from './types.js';

export type Platform = 'linux' | 'win32' | 'darwin';

export interface CardsCatalog {
  modules: Record<
    string,
    { vendor?: string; description?: string; paths: Partial<Record<Platform, string[]>> }
  >;
  cards: { name: string; atr: string; module: string }[];
}

export interface ModuleCandidate {
  name: string;
  path: string;
  source: ModuleReport['source'];
}

/** Generic modules worth trying on every machine of that OS, after the card catalogue. */
const WELL_KNOWN: Record<Platform, string[]> = {
  linux: [
    '/usr/lib/softhsm/libsofthsm2.so',
    '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
    '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
    '/usr/local/lib/softhsm/libsofthsm2.so',
    '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
    '/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so',
    '/usr/lib/opensc-pkcs11.so',
    '/usr/lib/x86_64-linux-gnu/pkcs11/libopencryptoki.so',
    '/usr/lib/pkcs11/libopencryptoki.so',
    '/usr/lib/libakisp11.so',
    '/usr/lib/libeTPkcs11.so',
    '/usr/lib/libIDPrimePKCS11.so',
  ],
  win32: [
    '${SystemRoot}\\System32\\akisp11.dll',
    '${SystemRoot}\\System32\\eTPKCS11.dll',
    '${SystemRoot}\\System32\\IDPrimePKCS11.dll',
    '${SystemRoot}\\System32\\acospkcs11.dll',
    '${SystemRoot}\\System32\\opensc-pkcs11.dll',
    '${ProgramFiles}\\OpenSC Project\\OpenSC\\pkcs11\\opensc-pkcs11.dll',
    'C:\\SoftHSM2\\lib\\softhsm2-x64.dll',
  ],
  darwin: [
    '/usr/local/lib/libakisp11.dylib',
    '/usr/local/lib/libeTPkcs11.dylib',
    '/usr/local/lib/libIDPrimePKCS11.dylib',
    '/Library/OpenSC/lib/opensc-pkcs11.so',
    '/Library/OpenSC/lib/pkcs11/opensc-pkcs11.so',
    '/usr/local/lib/softhsm/libsofthsm2.so',
    '/opt/homebrew/lib/softhsm/libsofthsm2.so',
    '/usr/local/lib/opensc-pkcs11.so',
  ],
};

export function currentPlatform(): Platform {
  return process.platform === 'win32' || process.platform === 'darwin' ? process.platform : 'linux';
}

/** `softhsm2` from `/usr/lib/softhsm/libsofthsm2.so`, `akisp11` from `akisp11.dll`. */
export function moduleNameFromPath(path: string): string {
  const file = basename(path.replace(/\\/g, '/'));
  return file.replace(/\.(so(\.\d+)*|dll|dylib)$/i, '').replace(/^lib(?=.)/, '');
}

/** Expands `${VAR}` from the environment; an unset variable leaves the path unusable (returns undefined). */
export function expandPath(path: string, env: NodeJS.ProcessEnv): string | undefined {
  let missing = false;
  const expanded = path.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const value = env[name] ?? (name === 'SystemRoot' ? (env.SYSTEMROOT ?? env.windir) : undefined);
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? undefined : expanded;
}

/** Splits EIMZA_PKCS11_MODULE: the OS path delimiter (`:` or `;`), `;` accepted everywhere. */
export function parseModuleList(
  value: string | undefined,
  pathDelimiter: string = delimiter,
): string[] {
  if (!value) return [];
  return value
    .split(pathDelimiter === ':' ? /[:;]/ : /;/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

/** Finds resources/cards.json: the explicit path, EIMZA_CARDS_JSON, else the first `resources/cards.json` above this file. */
export function findCardsJson(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv,
): string | undefined {
  if (explicit) return explicit;
  if (env.EIMZA_CARDS_JSON) return env.EIMZA_CARDS_JSON;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 8; depth++) {
    const candidate = join(dir, 'resources', 'cards.json');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

export function loadCardsCatalog(path: string): CardsCatalog {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<CardsCatalog>;
  return { modules: parsed.modules ?? {}, cards: parsed.cards ?? [] };
}

/** Card names and module names whose ATR pattern (hex bytes, `..` for any byte) matches `atr`. */
export function matchAtr(catalog: CardsCatalog, atr: string): { name: string; module: string }[] {
  const bytes = normaliseAtr(atr);
  return catalog.cards
    .filter((card) => {
      const pattern = normaliseAtr(card.atr);
      return (
        pattern.length === bytes.length &&
        pattern.every((byte, i) => byte === '..' || byte === bytes[i])
      );
    })
    .map(({ name, module }) => ({ name, module }));
}

function normaliseAtr(atr: string): string[] {
  return (
    atr
      .toUpperCase()
      .replace(/[^0-9A-F.]/g, '')
      .match(/.{2}/g) ?? []
  );
}

export interface DiscoveryInput {
  env: NodeJS.ProcessEnv;
  modulePaths?: string[];
  explicitOnly?: boolean;
  catalog?: CardsCatalog;
  platform?: Platform;
}

/**
 * The modules to try, in order: EIMZA_PKCS11_MODULE, the caller's paths, the card catalogue's paths for this OS,
 * then the well-known places. Duplicates (same path) are dropped; missing files stay in the list so the report
 * can say they were looked for.
 */
export function moduleCandidates(input: DiscoveryInput): ModuleCandidate[] {
  const platform = input.platform ?? currentPlatform();
  const seen = new Set<string>();
  const candidates: ModuleCandidate[] = [];
  const add = (rawPath: string, source: ModuleCandidate['source'], name?: string) => {
    const path = expandPath(rawPath, input.env);
    if (!path) return;
    const key = platform === 'win32' ? path.toLowerCase() : path;
    if (seen.has(key)) return;
    seen.add(key);
    candidates.push({ name: name ?? moduleNameFromPath(path), path, source });
  };

  for (const path of parseModuleList(
    input.env.EIMZA_PKCS11_MODULE,
    platform === 'win32' ? ';' : ':',
  ))
    add(path, 'env');
  for (const path of input.modulePaths ?? []) add(path, 'option');
  if (input.explicitOnly) return candidates;
  for (const [name, module] of Object.entries(input.catalog?.modules ?? {})) {
    for (const path of module.paths[platform] ?? []) add(path, 'cards.json', name);
  }
  for (const path of WELL_KNOWN[platform]) add(path, 'well-known');
  return candidates;
}
