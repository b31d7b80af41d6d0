import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  createTestTokens,
  startTestPki,
  type RunningTestPki,
  type TestTokens,
} from '@eimza/testpki';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from './api-fixture.js';
import { baseEnv, buildCli, runCli, tempDir, type CliResult } from './harness.js';

// `eimza doctor` on SoftHSM2 tokens with the real API up (and down), and its support bundle read back
// with Python's zipfile module.
const PIN = 'Doktor-PIN-1357';

let cli: { binary: string; cleanup: () => void };
let pki: RunningTestPki;
let tokens: TestTokens;
let work: string;
let env: NodeJS.ProcessEnv;
let api: { app: FastifyInstance; url: string };

function eimza(args: string[], input?: string): Promise<CliResult> {
  return runCli(cli.binary, ['--no-discovery', '--module', tokens.modulePath, ...args], env, input);
}

/** A port on 127.0.0.1 that nothing listens on (just released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The zip's entries, and each entry's text, as an independent reader (Python's zipfile) sees them. */
function readZip(path: string): Record<string, string> {
  const script =
    'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\n' +
    'print(json.dumps({n: z.read(n).decode("utf-8") for n in z.namelist()}))';
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as Record<
    string,
    string
  >;
}

beforeAll(async () => {
  cli = buildCli();
  work = tempDir('eimza-cli-doctor-');
  pki = await startTestPki();
  tokens = await createTestTokens({
    pki: pki.pki,
    pin: PIN,
    tokens: [
      {
        label: 'EIMZA-RSA',
        keyType: 'rsa2048',
        tckn: '10000000146',
        name: 'AHMET YILMAZ',
        ca: 'rsa',
      },
    ],
  });
  const state = join(work, 'state');
  mkdirSync(join(state, 'logs'), { recursive: true });
  writeFileSync(join(state, 'logs', 'eimza.log'), '{"level":30,"msg":"signing flow started"}\n');
  env = baseEnv({ SOFTHSM2_CONF: tokens.confPath, EIMZA_STATE_DIR: state });
  api = await startApi(work, pki.pki, 'doctor');
}, 240_000);

afterAll(async () => {
  await api?.app.close();
  await pki?.close();
  tokens?.cleanup();
  cli?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('eimza doctor', () => {
  it('text: module, token and PIN state, certificate, API and clock, each with OK/WARN/FAIL', async () => {
    const result = await eimza(['--lang', 'en', 'doctor', '--api', api.url]);
    expect(result.stdout).toMatch(/^OK {4}Module loaded: softhsm2/m);
    expect(result.stdout).toMatch(/^OK {4}Token EIMZA-RSA .*PIN OK/m);
    expect(result.stdout).toMatch(/^OK {4}Certificate AHMET YILMAZ \(100\*{6}46\): valid/m);
    expect(result.stdout).toMatch(/^OK {4}API reachable: .*\/healthz \(200/m);
    expect(result.stdout).toMatch(/^OK {4}Clock agrees with the server/m);
    expect(result.stdout).toMatch(/^(OK|WARN) {1,3}pcscd/m);
    expect(result.stdout).toMatch(/Summary: \d+ OK, \d+ WARN, 0 FAIL/);
    expect(result.code, result.stdout).toBe(0);
  });

  it('--json, with the API down: the API check FAILs with a hint, exit 12', async () => {
    const result = await eimza([
      '--json',
      'doctor',
      '--api',
      `http://127.0.0.1:${await closedPort()}`,
    ]);
    expect(result.code).toBe(12);
    const body = JSON.parse(result.stdout) as {
      checks: Array<{ area: string; status: string; hint?: string; message: string }>;
      tokens: unknown[];
    };
    const apiCheck = body.checks.find((c) => c.area === 'api')!;
    expect(apiCheck).toMatchObject({ status: 'FAIL' });
    expect(apiCheck.message).toContain('ECONNREFUSED');
    expect(apiCheck.hint).toBeTruthy();
    expect(body.tokens).toHaveLength(1);
  });

  it('--bundle: a zip with versions, modules, slots, certificates, logs and the report; no PIN anywhere', async () => {
    // The PIN was typed in this state folder's life: a test signature just before the bundle.
    writeFileSync(join(work, 'doc.txt'), 'deneme');
    const certs = JSON.parse((await eimza(['--json', 'certs'])).stdout) as {
      certificates: Array<{ id: string }>;
    };
    const signed = await eimza(
      [
        'sign-text',
        '--cert',
        certs.certificates[0]!.id,
        '--in',
        join(work, 'doc.txt'),
        '--out',
        join(work, 'doc.sig'),
        '--pin-stdin',
      ],
      `${PIN}\n`,
    );
    expect(signed.code, signed.stderr).toBe(0);

    const zipPath = join(work, 'destek.zip');
    const result = await eimza(['doctor', '--api', api.url, '--bundle', zipPath]);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('destek.zip');
    const entries = readZip(zipPath);
    expect(Object.keys(entries).sort()).toEqual([
      'certificates.json',
      'doctor.json',
      'doctor.txt',
      'logs/eimza.log',
      'modules.json',
      'slots.json',
      'versions.json',
    ]);
    expect(JSON.parse(entries['versions.json']!)).toMatchObject({ node: process.version });
    expect(entries['certificates.json']).toContain('BEGIN CERTIFICATE');
    expect(entries['slots.json']).toContain('EIMZA-RSA');
    expect(entries['doctor.txt']).toContain('EIMZA-RSA');
    expect(entries['logs/eimza.log']).toContain('signing flow started');
    for (const [name, text] of Object.entries(entries)) {
      expect(text, name).not.toContain(PIN);
      expect(text, name).not.toContain('PRIVATE KEY');
    }
  });
});
