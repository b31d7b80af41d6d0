import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { softHsmConfPath, softHsmDir } from '@eimza/state';
import {
  createTestPki,
  provisionSoftHsmTokens,
  TEST_TCKNS,
  TEST_TOKEN_PIN,
  TEST_TOKEN_PUK,
} from '@eimza/testpki';
import { openTokenService } from '../src/index.js';
import { capturingLogger } from './helpers.js';

const SOFTHSM = '/usr/lib/softhsm/libsofthsm2.so';
const NOT_PKCS11 = '/usr/lib/x86_64-linux-gnu/libz.so.1';
const OPENCRYPTOKI = '/usr/lib/x86_64-linux-gnu/pkcs11/libopencryptoki.so';
const OPENSC = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';

let stateDir: string;
const env = () => ({ EIMZA_STATE_DIR: stateDir });

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'eimza-state-'));
  // The project's own SoftHSM2 folder in the state dir, as `npm run token:init` makes it.
  await provisionSoftHsmTokens({
    dir: softHsmDir(env()),
    pki: await createTestPki(),
    pin: TEST_TOKEN_PIN,
    puk: TEST_TOKEN_PUK,
    tokens: [{ label: 'STATE-EC', keyType: 'ec-p256', tckn: TEST_TCKNS[1], name: 'AYŞE KAYA' }],
  });
  delete process.env.SOFTHSM2_CONF;
});

afterAll(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

describe('module discovery through the service', () => {
  it('loads EIMZA_PKCS11_MODULE entries, says why the others failed, and defaults SOFTHSM2_CONF to the state folder', async () => {
    const { logger, lines } = capturingLogger();
    const service = await openTokenService({
      env: { ...env(), EIMZA_PKCS11_MODULE: `/nonexistent/libnope.so:${NOT_PKCS11}:${SOFTHSM}` },
      explicitOnly: true,
      logger,
    });
    try {
      expect(process.env.SOFTHSM2_CONF).toBe(softHsmConfPath(env()));
      expect(service.modules()).toEqual([
        {
          name: 'nope',
          path: '/nonexistent/libnope.so',
          source: 'env',
          loaded: false,
          error: 'file not found',
        },
        expect.objectContaining({
          name: 'z',
          path: NOT_PKCS11,
          source: 'env',
          loaded: false,
          error: expect.stringContaining('not a loadable PKCS#11 library'),
        }),
        expect.objectContaining({ name: 'softhsm2', path: SOFTHSM, source: 'env', loaded: true }),
      ]);
      expect((await service.listTokens()).map((token) => token.label)).toEqual(['STATE-EC']);
      expect(lines.join('')).toContain('PKCS#11 module not loaded');
    } finally {
      await service.close();
    }
  });

  it('with no loadable module, says so on use', async () => {
    const service = await openTokenService({
      env: { ...env(), EIMZA_PKCS11_MODULE: '/nonexistent/libnope.so' },
      explicitOnly: true,
    });
    try {
      await expect(service.listTokens()).rejects.toMatchObject({ code: 'MODULE_NOT_FOUND' });
      await expect(service.listCertificates()).rejects.toMatchObject({ code: 'MODULE_NOT_FOUND' });
    } finally {
      await service.close();
    }
  });

  it('loads several modules at once from cards.json and the well-known paths', async () => {
    const service = await openTokenService({ env: env() });
    try {
      const reports = service.modules();
      const sources = new Set(reports.map((report) => report.source));
      expect(sources).toEqual(new Set(['cards.json', 'well-known']));
      expect(reports.find((report) => report.path === SOFTHSM)).toMatchObject({
        source: 'cards.json',
        loaded: true,
        library: { manufacturer: 'SoftHSM' },
      });
      expect(reports.find((report) => report.path === OPENSC)).toMatchObject({
        loaded: true,
        library: { manufacturer: 'OpenSC Project' },
      });
      expect(reports.find((report) => report.path === '/usr/lib/libakisp11.so')).toMatchObject({
        loaded: false,
        error: 'file not found',
      });
      // openCryptoki loads when its daemon runs; without it C_Initialize fails and the report says so.
      const opencryptoki = reports.find((report) => report.path === OPENCRYPTOKI);
      expect(opencryptoki?.loaded || opencryptoki?.error?.startsWith('C_Initialize failed')).toBe(
        true,
      );
      if (existsSync('/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so')) {
        expect(
          reports.find(
            (report) => report.path === '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
          )?.error,
        ).toMatch(/same library/);
      }
      expect(reports.filter((report) => report.loaded).length).toBeGreaterThanOrEqual(2);
      const tokens = await service.listTokens();
      expect(tokens.find((token) => token.label === 'STATE-EC')?.moduleName).toBe('softhsm2');
    } finally {
      await service.close();
    }
  });
});
