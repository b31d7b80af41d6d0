import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findCardsJson,
  loadCardsCatalog,
  matchAtr,
  moduleCandidates,
  moduleNameFromPath,
  parseModuleList,
} from './discovery.js';

const catalogPath = findCardsJson(undefined, {});
if (!catalogPath) throw new Error('resources/cards.json not found');
const catalog = loadCardsCatalog(catalogPath);

describe('resources/cards.json', () => {
  it('is the repository copy', () => {
    expect(catalogPath).toBe(
      join(import.meta.dirname, '..', '..', '..', 'resources', 'cards.json'),
    );
  });

  it('names a module with paths for every OS for every card', () => {
    for (const card of catalog.cards) expect(catalog.modules[card.module], card.name).toBeDefined();
    for (const [name, module] of Object.entries(catalog.modules)) {
      for (const platform of ['linux', 'win32', 'darwin'] as const)
        expect(module.paths[platform]?.length, `${name} on ${platform}`).toBeGreaterThan(0);
    }
    expect(Object.keys(catalog.modules)).toEqual(
      expect.arrayContaining([
        'akisp11',
        'tckkp11',
        'eTPkcs11',
        'idprimepkcs11',
        'acospkcs11',
        'opensc-pkcs11',
        'softhsm2',
      ]),
    );
  });

  it('matches ATRs with wildcards', () => {
    expect(
      matchAtr(catalog, '3B 9F 96 81 31 FE 45 80 67 55 45 4B 41 45 12 92 31 80 73 B3 A1 80 6A'),
    ).toEqual([{ name: 'AKİS v1.2 / v1.2.1 / v1.2.2 / v1.3', module: 'akisp11' }]);
    expect(
      matchAtr(catalog, '3b:9f:97:81:31:fe:45:80:65:54:43:d3:22:82:31:c0:73:f6:21:80:81:05:d3')[0]
        ?.module,
    ).toBe('tckkp11');
    expect(
      matchAtr(catalog, '3B 7F 96 00 00 80 31 80 65 B0 84 41 3D F6 12 0F FE 82 90 00')[0]?.module,
    ).toBe('idprimepkcs11');
    expect(matchAtr(catalog, '3B 00')).toEqual([]);
  });
});

describe('moduleCandidates', () => {
  it('tries EIMZA_PKCS11_MODULE, then options, then cards.json, then well-known paths, each path once', () => {
    const candidates = moduleCandidates({
      env: { EIMZA_PKCS11_MODULE: '/opt/a/libfirst.so:/opt/b/second.so' },
      modulePaths: ['/opt/c/libthird.so', '/opt/a/libfirst.so'],
      catalog,
      platform: 'linux',
    });
    expect(candidates.slice(0, 3)).toEqual([
      { name: 'first', path: '/opt/a/libfirst.so', source: 'env' },
      { name: 'second', path: '/opt/b/second.so', source: 'env' },
      { name: 'third', path: '/opt/c/libthird.so', source: 'option' },
    ]);
    const sources = candidates.map((candidate) => candidate.source);
    expect(sources.indexOf('cards.json')).toBeLessThan(sources.indexOf('well-known'));
    expect(
      candidates.find((candidate) => candidate.path === '/usr/lib/softhsm/libsofthsm2.so'),
    ).toMatchObject({ name: 'softhsm2', source: 'cards.json' });
    expect(
      candidates.some(
        (candidate) => candidate.path === '/usr/lib/x86_64-linux-gnu/pkcs11/libopencryptoki.so',
      ),
    ).toBe(true);
    expect(new Set(candidates.map((candidate) => candidate.path)).size).toBe(candidates.length);
  });

  it('expands Windows paths from the environment and drops those it cannot expand', () => {
    const candidates = moduleCandidates({
      env: { SystemRoot: 'C:\\Windows' },
      catalog,
      platform: 'win32',
    });
    expect(candidates).toContainEqual({
      name: 'akisp11',
      path: 'C:\\Windows\\System32\\akisp11.dll',
      source: 'cards.json',
    });
    expect(candidates.some((candidate) => candidate.path.includes('${'))).toBe(false);
    expect(candidates.some((candidate) => candidate.path.includes('OpenSC Project'))).toBe(false);
  });

  it('knows the macOS places', () => {
    const paths = moduleCandidates({ env: {}, catalog, platform: 'darwin' }).map(
      (candidate) => candidate.path,
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        '/usr/local/lib/libakisp11.dylib',
        '/Library/OpenSC/lib/opensc-pkcs11.so',
      ]),
    );
  });

  it('with explicitOnly, loads only what was asked for', () => {
    expect(
      moduleCandidates({
        env: { EIMZA_PKCS11_MODULE: '/x/liba.so' },
        modulePaths: ['/y/b.so'],
        explicitOnly: true,
        catalog,
        platform: 'linux',
      }),
    ).toHaveLength(2);
  });
});

describe('helpers', () => {
  it('names modules after their file', () => {
    expect(moduleNameFromPath('/usr/lib/softhsm/libsofthsm2.so')).toBe('softhsm2');
    expect(moduleNameFromPath('C:\\Windows\\System32\\eTPKCS11.dll')).toBe('eTPKCS11');
    expect(moduleNameFromPath('/usr/local/lib/libakisp11.dylib')).toBe('akisp11');
    expect(moduleNameFromPath('/usr/lib/libfoo.so.1.2')).toBe('foo');
  });

  it('splits module lists on the OS delimiter', () => {
    expect(parseModuleList('/a.so:/b.so; /c.so', ':')).toEqual(['/a.so', '/b.so', '/c.so']);
    expect(parseModuleList('C:\\a.dll;D:\\b.dll', ';')).toEqual(['C:\\a.dll', 'D:\\b.dll']);
    expect(parseModuleList(undefined)).toEqual([]);
  });
});
