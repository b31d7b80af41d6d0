import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// electron-builder.yml as electron-builder itself loads and validates it (its JSON schema), then
// what this app needs of it. The installers themselves are built in CI (Electron cannot be
// downloaded here).
const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const require = createRequire(join(ROOT, 'apps', 'desktop', 'package.json'));

interface BuilderConfig {
  directories: { app: string; output: string; buildResources: string };
  files: Array<string | { filter: string[] }>;
  npmRebuild: boolean;
  asarUnpack: string[];
  protocols: Array<{ name: string; schemes: string[] }>;
  publish: { provider: string; url: string };
  nsis: Record<string, unknown>;
  mac: Record<string, unknown>;
  linux: { target: string[]; mimeTypes: string[] };
  deb: { depends: string[] };
}

const { getConfig, validateConfiguration } =
  require('app-builder-lib/out/util/config/config.js') as {
    getConfig(projectDir: string, configPath: string, options: null): Promise<BuilderConfig>;
    validateConfiguration(config: unknown, logger: unknown): Promise<void>;
  };
const { DebugLogger } = require('builder-util') as {
  DebugLogger: new (enabled: boolean) => unknown;
};

const work = mkdtempSync(join(tmpdir(), 'eimza-builder-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function load(path: string): Promise<BuilderConfig> {
  const config = await getConfig(ROOT, path, null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema, which rejects a broken copy', async () => {
    await expect(load(join(ROOT, 'electron-builder.yml'))).resolves.toBeDefined();
    const broken = join(work, 'broken.yml');
    writeFileSync(
      broken,
      readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8').replace(
        'perMachine: false',
        'perMachine: sometimes',
      ),
    );
    await expect(load(broken)).rejects.toThrow(/perMachine/);
  });

  it('packages what build.mjs emits, with the native parts outside the asar archive', async () => {
    const config = await load(join(ROOT, 'electron-builder.yml'));
    const manifest = JSON.parse(
      readFileSync(join(ROOT, config.directories.app, 'package.json'), 'utf8'),
    ) as { main: string; dependencies: Record<string, string> };
    expect(manifest.main).toBe('dist/main/index.cjs');
    const files = config.files.flatMap((entry) =>
      typeof entry === 'string' ? [entry] : entry.filter,
    );
    expect(files).toEqual(['dist/**', 'package.json', '!dist/**/*.map']);
    expect(config.npmRebuild).toBe(true);
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        '**/*.node',
        'dist/main/token-worker.js',
        '**/node_modules/pkcs11js/**',
      ]),
    );
    // External in the main bundle, so it must be a dependency electron-builder copies and rebuilds.
    expect(manifest.dependencies).toHaveProperty('pkcs11js');
  });

  it('registers eimza:// and installs per user, hardened, with pcscd, updating from the feed', async () => {
    const config = await load(join(ROOT, 'electron-builder.yml'));
    expect(config.protocols).toEqual([{ name: 'eimza', schemes: ['eimza'] }]);
    expect(config.nsis).toMatchObject({
      perMachine: false,
      allowElevation: false,
      oneClick: false,
    });
    const nsh = readFileSync(join(ROOT, config.nsis.include as string), 'utf8');
    expect(nsh).toContain('WriteRegStr HKCU "Software\\Classes\\eimza" "URL Protocol" ""');
    expect(nsh).toContain('DeleteRegKey HKCU "Software\\Classes\\eimza"');
    expect(config.mac).toMatchObject({ hardenedRuntime: true, notarize: true, target: 'dmg' });
    for (const key of ['entitlements', 'entitlementsInherit']) {
      expect(existsSync(join(ROOT, config.mac[key] as string)), key).toBe(true);
    }
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.mimeTypes).toContain('x-scheme-handler/eimza');
    expect(config.deb.depends).toEqual(expect.arrayContaining(['pcscd', 'libgtk-3-0', 'libnss3']));
    expect(config.publish).toEqual({ provider: 'generic', url: '${env.EIMZA_UPDATE_FEED}' });
  });
});
