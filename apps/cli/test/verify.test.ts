import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keySigner, signCades } from '@eimza/cades';
import { startTestPki, type RunningTestPki } from '@eimza/testpki';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from './api-fixture.js';
import { baseEnv, buildCli, runCli, tempDir } from './harness.js';

// `eimza verify` on signatures made here with a test-PKI key (OCSP live on 127.0.0.1): locally against
// a trust folder, locally against the state folder's default, and through the real API's /verify.
let cli: { binary: string; cleanup: () => void };
let pki: RunningTestPki;
let work: string;
let trustDir: string;
let api: { app: FastifyInstance; url: string };
const DOCUMENT = 'Kullanıcı servislerine elektronik imzalı olarak girme işlemini onaylıyorum.';

const eimza = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
  runCli(cli.binary, args, baseEnv({ EIMZA_STATE_DIR: join(work, 'state'), ...extra }));

beforeAll(async () => {
  cli = buildCli();
  work = tempDir('eimza-cli-verify-');
  pki = await startTestPki();
  trustDir = join(work, 'trust');
  mkdirSync(trustDir);
  for (const [index, anchor] of pki.pki.anchors().entries()) {
    writeFileSync(join(trustDir, `root-${index}.pem`), anchor.pem);
  }
  const signer = await pki.pki.issueSignerWithKey({
    ca: 'ec',
    tckn: '10000000146',
    name: 'AHMET ÇELİK',
  });
  const cms = await signCades({
    content: DOCUMENT,
    certificate: signer.certificate.der,
    chain: signer.certificate.chain.map((c) => c.der),
    sign: keySigner(signer.privateKey),
    detached: true,
  });
  writeFileSync(join(work, 'doc.txt'), DOCUMENT);
  writeFileSync(join(work, 'tampered.txt'), DOCUMENT.replace('onaylıyorum', 'reddediyorum'));
  writeFileSync(join(work, 'doc.p7s'), cms);
  api = await startApi(work, pki.pki, 'verify');
}, 240_000);

afterAll(async () => {
  await api?.app.close();
  await pki?.close();
  cli?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('eimza verify', () => {
  it('a good signature: TOTAL_PASSED, every check ✓, signer, chain, OCSP status; exit 0', async () => {
    const result = await eimza([
      '--lang',
      'en',
      'verify',
      join(work, 'doc.p7s'),
      '--content',
      join(work, 'doc.txt'),
      '--trust',
      trustDir,
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('Indication: TOTAL_PASSED');
    expect(result.stdout).not.toContain('✗');
    expect(result.stdout).toContain('✓ signature');
    expect(result.stdout).toContain('AHMET ÇELİK (10000000146)');
    expect(result.stdout).toMatch(/Revocation:\s+OCSP: good/);
    expect(result.stdout).toContain('Certificate chain:');
  });

  it('a tampered content: TOTAL_FAILED with the failing check ✗; exit 8 (also in --json)', async () => {
    const args = [
      'verify',
      join(work, 'doc.p7s'),
      '--content',
      join(work, 'tampered.txt'),
      '--trust',
      trustDir,
    ];
    const text = await eimza(args);
    expect(text.code).toBe(8);
    expect(text.stdout).toContain('TOTAL_FAILED');
    expect(text.stdout).toContain('✗');
    const json = await eimza(['--json', ...args]);
    expect(json.code).toBe(8);
    const body = JSON.parse(json.stdout) as {
      report: { indication: string; subIndication: string };
    };
    expect(body.report).toMatchObject({
      indication: 'TOTAL_FAILED',
      subIndication: 'HASH_FAILURE',
    });
  });

  it('without --trust it uses <stateDir>/pki/trust-anchors', async () => {
    const missing = await eimza([
      'verify',
      join(work, 'doc.p7s'),
      '--content',
      join(work, 'doc.txt'),
    ]);
    expect(missing.code).toBe(7);
    expect(missing.stderr).toContain(join(work, 'state', 'pki', 'trust-anchors'));
    const state = join(work, 'state-with-pki');
    mkdirSync(join(state, 'pki'), { recursive: true });
    cpSync(trustDir, join(state, 'pki', 'trust-anchors'), { recursive: true });
    const found = await eimza(
      ['verify', join(work, 'doc.p7s'), '--content', join(work, 'doc.txt')],
      {
        EIMZA_STATE_DIR: state,
      },
    );
    expect(found.code, found.stdout).toBe(0);
  });

  it('--api asks the API /verify and prints its report', async () => {
    const good = await eimza([
      '--json',
      'verify',
      join(work, 'doc.p7s'),
      '--content',
      join(work, 'doc.txt'),
      '--api',
      api.url,
    ]);
    expect(good.code, good.stdout).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({
      source: api.url,
      report: { indication: 'TOTAL_PASSED' },
    });
    const bad = await eimza([
      'verify',
      join(work, 'doc.p7s'),
      '--content',
      join(work, 'tampered.txt'),
      '--api',
      api.url,
    ]);
    expect(bad.code).toBe(8);
  });

  it('a missing file: exit 7', async () => {
    const result = await eimza(['verify', join(work, 'nope.p7s'), '--trust', trustDir]);
    expect(result.code).toBe(7);
  });
});
