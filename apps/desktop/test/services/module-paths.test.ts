import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createTestTokens, type TestTokens } from '@eimza/testpki';
import { openTokenService, type TokenService } from '@eimza/token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS_FILE } from '../../src/services/index.js';
import { startDesktop, type Desktop } from '../support/desktop.js';

// Ayarlar → extra PKCS#11 module paths, with the app opening its own token service over real
// SoftHSM2 cards. Its own file (and process): no other token service may hold the SoftHSM2
// library here, so that what the app's re-opening does to it is all there is.
const PIN = 'Modul-PIN-7310';

let cards: TestTokens;
let work: string;
let desktop: Desktop;
const opened: Array<{ paths: string[]; service: TokenService }> = [];
/** A path whose token service fails to start, as when the worker thread cannot be started. */
let failingPath: string | undefined;

beforeAll(async () => {
  cards = await createTestTokens({ pin: PIN });
  process.env.SOFTHSM2_CONF = cards.confPath;
  work = mkdtempSync(join(tmpdir(), 'eimza-module-paths-'));
  desktop = await startDesktop({
    // Nothing here talks to an API.
    apiUrl: 'http://127.0.0.1:9',
    openTokens: async (paths) => {
      if (failingPath && paths.includes(failingPath)) throw new Error('token worker did not start');
      const service = await openTokenService({
        explicitOnly: true,
        modulePaths: [cards.modulePath, ...paths],
      });
      opened.push({ paths, service });
      return service;
    },
  });
});

afterAll(async () => {
  await desktop?.close();
  cards?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

function storedSettings(): unknown {
  const path = join(desktop.stateDir, SETTINGS_FILE);
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

async function cardLabels(): Promise<string[]> {
  return (await desktop.value('tokens:list')).map((t) => t.label).sort();
}

function settingsEvents(): number {
  return desktop.events.filter((e) => e.type === 'settings').length;
}

/** Asks for `modulePaths` and expects the refusal, with nothing saved, pushed or re-opened. */
async function expectRefused(modulePaths: string[]) {
  const before = await desktop.value('settings:get');
  const file = storedSettings();
  const openedBefore = opened.length;
  const eventsBefore = settingsEvents();
  const answer = await desktop.call('settings:update', { modulePaths });
  expect(answer.ok).toBe(false);
  expect(await desktop.value('settings:get')).toEqual(before);
  expect(storedSettings()).toEqual(file);
  expect(settingsEvents()).toBe(eventsBefore);
  // The running token service is the one from before, still listing both cards.
  expect(opened).toHaveLength(openedBefore);
  expect(await cardLabels()).toEqual(['EIMZA-EC', 'EIMZA-RSA']);
  if (answer.ok) throw new Error('refused above');
  return answer.error;
}

describe('extra PKCS#11 module paths', () => {
  it('a path that does not exist: MODULE_NOT_FOUND naming it; nothing saved, the running token service kept', async () => {
    expect(await cardLabels()).toEqual(['EIMZA-EC', 'EIMZA-RSA']);
    const missing = join(work, 'vendor', 'libakisp11.so');
    const error = await expectRefused([missing]);
    expect(error.code).toBe('MODULE_NOT_FOUND');
    expect(error.message).toContain(missing);
    expect(error.message).toContain('bulunamadı');
  });

  it('a file that is not a PKCS#11 library (text, or a shared object without the PKCS#11 interface): MODULE_NOT_FOUND naming it, in the app’s language', async () => {
    const text = join(work, 'libnotes.so');
    writeFileSync(text, 'not a library\n');
    const textError = await expectRefused([text]);
    expect(textError).toMatchObject({ code: 'MODULE_NOT_FOUND' });
    expect(textError.message).toContain(
      `${text} bir kart sürücüsü (PKCS#11 modülü) olarak yüklenemedi`,
    );

    await desktop.value('settings:update', { language: 'en' });
    try {
      // A real shared object, loadable, but with no C_GetFunctionList: pkcs11js's own addon.
      const sharedObject = join(
        dirname(createRequire(import.meta.url).resolve('pkcs11js')),
        'build/Release/pkcs11.node',
      );
      expect(existsSync(sharedObject)).toBe(true);
      const error = await expectRefused([cards.modulePath, sharedObject]);
      expect(error).toMatchObject({ code: 'MODULE_NOT_FOUND' });
      expect(error.message).toBe(
        `${sharedObject} could not be loaded as a card driver (PKCS#11 module). Enter the path of your card’s driver.`,
      );
    } finally {
      await desktop.value('settings:update', { language: 'tr' });
    }
  });

  it('a working path: the service re-opens on it and still lists the cards (the old one, closed first, finalises nothing under it); removing it re-opens again', async () => {
    const vendor = join(work, 'libvendor-pkcs11.so');
    // Another path to the same library, as a vendor's installer might leave it.
    symlinkSync(cards.modulePath, vendor);
    const first = opened.at(-1)!.service;
    const eventsBefore = settingsEvents();

    const saved = await desktop.value('settings:update', { modulePaths: [vendor] });
    expect(saved.modulePaths).toEqual([vendor]);
    expect(storedSettings()).toMatchObject({ modulePaths: [vendor] });
    expect(settingsEvents()).toBe(eventsBefore + 1);
    expect(opened.at(-1)!.paths).toEqual([vendor]);
    await expect(Promise.resolve().then(() => first.listTokens())).rejects.toMatchObject({
      code: 'SESSION_CLOSED',
    });
    expect(await cardLabels()).toEqual(['EIMZA-EC', 'EIMZA-RSA']);
    // Twice: a library finalised under the service would show no card from here on.
    expect(await cardLabels()).toEqual(['EIMZA-EC', 'EIMZA-RSA']);

    // The same paths again (another setting changed): nothing re-opened.
    const count = opened.length;
    await desktop.value('settings:update', { modulePaths: [vendor], language: 'tr' });
    expect(opened).toHaveLength(count);

    await desktop.value('settings:update', { modulePaths: [] });
    expect(opened.at(-1)!.paths).toEqual([]);
    expect(await cardLabels()).toEqual(['EIMZA-EC', 'EIMZA-RSA']);
  });

  it('a path that loads on its own but whose token service then fails to start: MODULE_NOT_FOUND naming it, not INTERNAL; the previous paths serve again', async () => {
    const vendor = join(work, 'libfailing-pkcs11.so');
    symlinkSync(cards.modulePath, vendor);
    failingPath = vendor;
    try {
      const before = await desktop.value('settings:get');
      const answer = await desktop.call('settings:update', { modulePaths: [vendor] });
      expect(answer).toMatchObject({ ok: false, error: { code: 'MODULE_NOT_FOUND' } });
      if (answer.ok) throw new Error('refused above');
      expect(answer.error.message).toContain(vendor);
      expect(await desktop.value('settings:get')).toEqual(before);
      expect(opened.at(-1)!.paths).toEqual(before.modulePaths);
      expect(await cardLabels()).toEqual(['EIMZA-EC', 'EIMZA-RSA']);
    } finally {
      failingPath = undefined;
    }
  });
});
