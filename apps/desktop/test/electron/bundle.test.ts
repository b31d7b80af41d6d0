import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  SOFTHSM_MODULE_PATH,
  createTestTokens,
  startTestPki,
  type RunningTestPki,
  type TestTokens,
} from '@eimza/testpki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMain, buildTokenWorker } from '../../build.mjs';

// The main process is a CommonJS bundle whose token layer starts its PKCS#11 worker from
// `token-worker.js` beside it, and from app.asar.unpacked when the bundle is inside app.asar. Both
// are checked here with plain Node (what the Electron main process runs), a folder standing in
// for the archive, and a SoftHSM2 token.
const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

const softHsm = existsSync(SOFTHSM_MODULE_PATH);
const why = softHsm ? '' : ` (skipped: SoftHSM2 is not installed at ${SOFTHSM_MODULE_PATH})`;

let work: string;
let pki: RunningTestPki;
let tokens: TestTokens;

beforeAll(async () => {
  if (!softHsm) return;
  // Under the repository's node_modules, so that the bundles resolve pkcs11js by walking up, as
  // they do from apps/desktop/dist and from app.asar.unpacked (ES module imports ignore NODE_PATH).
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  work = mkdtempSync(join(cache, 'eimza-bundle-'));
  pki = await startTestPki();
  tokens = await createTestTokens({
    pki: pki.pki,
    tokens: [
      {
        label: 'EIMZA-BUNDLE',
        keyType: 'ec-p256',
        tckn: '10000000146',
        name: 'AHMET YILMAZ',
        ca: 'ec',
      },
    ],
  });
}, 120_000);

afterAll(async () => {
  await pki?.close();
  tokens?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function runBundle(bundle: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [bundle], {
    env: {
      ...process.env,
      EIMZA_TEST_MODULE: tokens.modulePath,
      SOFTHSM2_CONF: tokens.confPath,
    },
    timeout: 30_000,
  });
  return JSON.parse(stdout) as string[];
}

describe('the main-process bundle layout', () => {
  it.skipIf(!softHsm)(
    `starts the token worker beside a CommonJS bundle${why}`,
    async () => {
      const out = join(work, 'plain', 'main');
      await buildMain(join(import.meta.dirname, 'fixtures', 'list-tokens.ts'), out);
      await buildTokenWorker(out);
      expect(await runBundle(join(out, 'index.cjs'))).toContain('EIMZA-BUNDLE');
    },
    60_000,
  );

  it.skipIf(!softHsm)(
    `inside app.asar, starts the worker from app.asar.unpacked${why}`,
    async () => {
      const packed = join(work, 'resources', 'app.asar', 'dist', 'main');
      const unpacked = join(work, 'resources', 'app.asar.unpacked', 'dist', 'main');
      await buildMain(join(import.meta.dirname, 'fixtures', 'list-tokens.ts'), packed);
      await buildTokenWorker(packed);
      mkdirSync(unpacked, { recursive: true });
      // Only the unpacked copy exists, as after asarUnpack: the archive's copy cannot start a worker.
      for (const file of ['token-worker.js', 'package.json']) {
        renameSync(join(packed, file), join(unpacked, file));
      }
      expect(await runBundle(join(packed, 'index.cjs'))).toContain('EIMZA-BUNDLE');
    },
    60_000,
  );
});
