import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  createTestTokens,
  startTestPki,
  type RunningTestPki,
  type TestTokens,
} from '@eimza/testpki';
import { luhnCheckDigit } from '@eimza/protocol';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, sessionState, startApi, startCli } from './api-fixture.js';
import { onPty } from './pty.js';
import { baseEnv, buildCli, runCli, tempDir, type CliResult } from './harness.js';

// `eimza sign` end to end: the built binary as a subprocess, the real API (buildApp, SQLite) on
// 127.0.0.1 trusting the live test PKI (OCSP), SoftHSM2 tokens holding the certificates.
const AHMET = '10000000146';
const AYSE = '12345678950';
const PIN = 'Imza-PIN-2468';
const WRONG_PIN = '864213';

let cli: { binary: string; cleanup: () => void };
let pki: RunningTestPki;
let tokens: TestTokens;
let work: string;
let env: NodeJS.ProcessEnv;
let api: { app: FastifyInstance; url: string };
const apps: FastifyInstance[] = [];

function eimza(args: string[], input?: string): Promise<CliResult> {
  return runCli(cli.binary, ['--no-discovery', '--module', tokens.modulePath, ...args], env, input);
}

function live(args: string[]) {
  return startCli(cli.binary, ['--no-discovery', '--module', tokens.modulePath, ...args], env);
}

function json(result: CliResult): Record<string, unknown> {
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  cli = buildCli();
  work = tempDir('eimza-cli-sign-');
  pki = await startTestPki();
  tokens = await createTestTokens({
    pki: pki.pki,
    pin: PIN,
    tokens: [
      { label: 'EIMZA-RSA', keyType: 'rsa2048', tckn: AHMET, name: 'AHMET YILMAZ', ca: 'rsa' },
      { label: 'EIMZA-EC', keyType: 'ec-p256', tckn: AYSE, name: 'AYŞE KAYA', ca: 'ec' },
    ],
  });
  env = baseEnv({ SOFTHSM2_CONF: tokens.confPath, EIMZA_STATE_DIR: join(work, 'state') });
  api = await startApi(work, pki.pki, 'main');
  apps.push(api.app);
}, 240_000);

afterAll(async () => {
  for (const app of apps) await app.close();
  await pki?.close();
  tokens?.cleanup();
  cli?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('eimza sign against the real API', () => {
  it('signs a login session for a named person (scripted: --pin-stdin --yes --json)', async () => {
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    // Pasted with spaces and dashes, as people copy it from the portal.
    const pasted = session.verificationCode.replace(/(\d{3})(?=\d)/g, '$1 -');
    const result = await eimza(
      ['sign', '--code', pasted, '--api', api.url, '--pin-stdin', '--yes', '--json'],
      `${PIN}\n`,
    );
    expect(result.code, result.stderr).toBe(0);
    const body = json(result);
    expect(body).toMatchObject({
      state: 'signed',
      verificationCode: session.verificationCode,
      purpose: 'login',
      signer: { tckn: AHMET, name: 'AHMET YILMAZ' },
    });
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });
    expect(result.stdout + result.stderr).not.toContain(PIN);
  });

  it('shows service, origin, purpose and every text in full, then the outcome (text mode)', async () => {
    const session = await createSession(api.url, { purpose: 'e-onay-accept', tckn: AYSE });
    const result = await eimza(
      [
        '--lang',
        'en',
        'sign',
        '--code',
        session.verificationCode,
        '--api',
        api.url,
        '--pin-stdin',
        '--yes',
      ],
      `${PIN}\n`,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('NES Bireysel (test)');
    expect(result.stdout).toContain('https://nesbireysel.test.example');
    expect(result.stdout).toContain('give the E-Onay');
    expect(result.stdout).toMatch(/Time left: +\d+ seconds/);
    expect(result.stdout).toContain(session.verificationCode);
    expect(result.stdout).toContain('Signed: AYŞE KAYA');
    expect(result.stderr).toContain('Signing text 1/');
  });

  it('signs an E-Onay cancellation with the certificate chosen by --cert', async () => {
    const certs = JSON.parse((await eimza(['--json', 'certs'])).stdout) as {
      certificates: Array<{ id: string; tokenLabel: string }>;
    };
    const ec = certs.certificates.find((c) => c.tokenLabel === 'EIMZA-EC')!;
    const session = await createSession(api.url, { purpose: 'e-onay-cancel' });
    const result = await eimza(
      [
        'sign',
        '--code',
        session.verificationCode,
        '--api',
        api.url,
        '--cert',
        ec.id,
        '--pin-stdin',
        '--json',
      ],
      `${PIN}\n`,
    );
    expect(result.code, result.stdout).toBe(0);
    expect(json(result)).toMatchObject({ state: 'signed', signer: { tckn: AYSE } });
  });

  it('--yes refuses to guess when two certificates fit, listing the candidates', async () => {
    const session = await createSession(api.url, { purpose: 'e-onay-cancel' });
    const result = await eimza(
      [
        'sign',
        '--code',
        session.verificationCode,
        '--api',
        api.url,
        '--pin-stdin',
        '--yes',
        '--json',
      ],
      `${PIN}\n`,
    );
    expect(result.code).toBe(1);
    expect(json(result)).toMatchObject({ state: 'failed', signer: null });
    const error = json(result).error as { code: string; message: string };
    expect(error.code).toBe('CERTIFICATE_CHOICE_NEEDED');
    expect(error.message).toContain('AHMET YILMAZ');
    expect(error.message).toContain('AYŞE KAYA');
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'pending' });
  });

  it('signs an application (form): two texts, the form in the first', async () => {
    const session = await createSession(api.url, {
      purpose: 'application',
      tckn: AHMET,
      form: { Başvuru: 'Yenileme', İl: 'Ankara', Ünvan: 'Öğretmen' },
    });
    const result = await eimza(
      ['sign', '--code', session.verificationCode, '--api', api.url, '--pin-stdin', '--yes'],
      `${PIN}\n`,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Ünvan: Öğretmen');
    expect(result.stderr).toContain('metin 2/2');
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });
  });

  it('a wrong PIN, then the right one: signed, the tries state shown, no PIN in the output', async () => {
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    const result = await eimza(
      [
        'sign',
        '--code',
        session.verificationCode,
        '--api',
        api.url,
        '--pin-stdin',
        '--yes',
        '--json',
      ],
      `${WRONG_PIN}\n${PIN}\n`,
    );
    expect(result.code, result.stdout).toBe(0);
    expect(json(result)).toMatchObject({ state: 'signed' });
    expect(result.stdout + result.stderr).not.toContain(WRONG_PIN);
  });

  it('a wrong PIN and no second line on standard input: SECRET_MISSING (exit 1), nothing submitted', async () => {
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    const result = await eimza(
      [
        'sign',
        '--code',
        session.verificationCode,
        '--api',
        api.url,
        '--pin-stdin',
        '--yes',
        '--json',
      ],
      `${WRONG_PIN}\n`,
    );
    expect(result.code).toBe(1);
    expect((json(result).error as { code: string }).code).toBe('SECRET_MISSING');
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'pending' });
  });

  it('at a terminal: the certificate menu, a live countdown, a hidden PIN prompt asked again after a wrong PIN', async () => {
    const session = await createSession(api.url, { purpose: 'e-onay-cancel' });
    const result = await onPty(
      [
        process.execPath,
        cli.binary,
        '--no-discovery',
        '--module',
        tokens.modulePath,
        'sign',
        '--code',
        session.verificationCode,
        '--api',
        api.url,
      ],
      [
        ['Sertifika Seçiniz', '\r'],
        ['PIN', `${WRONG_PIN}\r`],
        ['PIN (tekrar)', `${PIN}\r`],
      ],
      { ...env, NO_COLOR: '1' },
    );
    expect(result.code, result.screen).toBe(0);
    expect(result.screen).toMatch(/Kalan süre: \d+ saniye/);
    expect(result.screen).toContain('AHMET YILMAZ');
    expect(result.screen).toContain('AYŞE KAYA');
    expect(result.screen).toContain('PIN hatalı');
    expect(result.screen).toContain('Yanlış deneme var');
    expect(result.screen).toContain('İmzalandı:');
    expect(result.screen).not.toContain(PIN);
    expect(result.screen).not.toContain(WRONG_PIN);
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });
  });

  it('says before any PIN that no card belongs to the person', async () => {
    const session = await createSession(api.url, { purpose: 'login', tckn: '98765432150' });
    const result = await eimza(
      ['sign', '--code', session.verificationCode, '--api', api.url, '--pin-stdin', '--yes'],
      '',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('987******50');
    expect(result.stderr).toContain('başka kişiye ait');
  });

  it('refuses a mistyped code before any request (Luhn check)', async () => {
    const result = await eimza([
      'sign',
      '--code',
      '311827272188649',
      '--api',
      'http://127.0.0.1:9',
      '--json',
    ]);
    expect(result.code).toBe(1);
    expect((json(result).error as { code: string }).code).toBe('INVALID_CODE');
  });

  it('an unknown code: exit 11', async () => {
    const unknown = `12345678901234${luhnCheckDigit('12345678901234')}`;
    const result = await eimza([
      'sign',
      '--code',
      unknown,
      '--api',
      api.url,
      '--pin-stdin',
      '--yes',
      '--json',
    ]);
    expect(result.code).toBe(11);
    expect(json(result)).toMatchObject({ state: 'failed', error: { code: 'UNKNOWN_CODE' } });
  });

  it('the session expires while the PIN is awaited: state expired, exit 9', async () => {
    const short = await startApi(work, pki.pki, 'short', { sessionTtlSeconds: 3 });
    apps.push(short.app);
    const session = await createSession(short.url, { purpose: 'login', tckn: AHMET });
    const run = live([
      'sign',
      '--code',
      session.verificationCode,
      '--api',
      short.url,
      '--pin-stdin',
      '--yes',
      '--json',
    ]);
    const result = await run.done;
    expect(result.code, result.stderr).toBe(9);
    expect(JSON.parse(result.stdout)).toMatchObject({ state: 'expired', signer: null });
    run.child.stdin.end();
  });

  it('the server stops after the challenge loaded: typed failure, exit 10, nothing submitted', async () => {
    const doomed = await startApi(work, pki.pki, 'doomed');
    const session = await createSession(doomed.url, { purpose: 'login', tckn: AHMET });
    const run = live([
      'sign',
      '--code',
      session.verificationCode,
      '--api',
      doomed.url,
      '--pin-stdin',
      '--yes',
    ]);
    await run.waitFor(/İmzalanacak Metin 1/);
    await doomed.app.close();
    run.child.stdin.end(`${PIN}\n`);
    const result = await run.done;
    expect(result.code, result.stderr).toBe(10);
    expect(result.stderr).toContain('(ECONNREFUSED)');
    expect(result.stdout).not.toContain('İmzalandı');
    // The same database, read again: the session never received a signature.
    const reopened = await startApi(work, pki.pki, 'doomed');
    apps.push(reopened.app);
    expect(await sessionState(reopened.app, session)).toMatchObject({ state: 'pending' });
  });

  // Last: it deletes the tokens every earlier test signs with.
  it('the token is reset between challenge and signing: typed failure, nothing submitted', async () => {
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    const run = live([
      '--lang',
      'en',
      'sign',
      '--code',
      session.verificationCode,
      '--api',
      api.url,
      '--pin-stdin',
      '--yes',
    ]);
    await run.waitFor(/Certificate: AHMET YILMAZ/);
    const dir = join(tokens.dir, 'tokens');
    for (const entry of readdirSync(dir))
      rmSync(join(dir, entry), { recursive: true, force: true });
    run.child.stdin.end(`${PIN}\n`);
    const result = await run.done;
    expect(result.stderr).toContain('No card is inserted');
    expect(result.code).toBe(2);
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'pending' });
  });
});
