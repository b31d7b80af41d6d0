import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const script = join(root, 'packages', 'testpki', 'src', 'bin', 'token-init.ts');

interface Report {
  stateDir: string;
  confPath: string;
  pki: { dir: string; baseUrl: string; created: boolean };
  pin: string;
  puk: string;
  note: string;
  tokens: {
    label: string;
    slotId: string;
    tokenSerial: string;
    keyType: string;
    tckn: string;
    created: boolean;
    ckaId: string;
    certificate: {
      serialNumberHex: string;
      subject: string;
      issuer: string;
      notBefore: string;
      notAfter: string;
      pem: string;
    };
  }[];
}

let stateDir: string;

async function tokenInit(args: string[], extraEnv: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EIMZA_STATE_DIR: stateDir,
    EIMZA_TESTPKI_PORT: '18999',
    ...extraEnv,
  };
  delete env.SOFTHSM2_CONF;
  return execFileAsync(tsx, [script, ...args], { cwd: root, env, encoding: 'utf8' });
}

async function tokenInitJson(args: string[] = []): Promise<Report> {
  const { stdout } = await tokenInit(['--json', ...args]);
  return JSON.parse(stdout) as Report;
}

/** Each case starts tsx and may create a PKI: generous on a loaded 2-core machine (22 s seen at worst). */
const SUBPROCESS_TIMEOUT_MS = 120_000;

const serials = (report: Report) => report.tokens.map((token) => token.certificate.serialNumberHex);

beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'eimza-token-init-'));
});

afterAll(() => {
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('npm run token:init (packages/testpki/src/bin/token-init.ts)', () => {
  let first: Report;

  it(
    'first run creates the test PKI and both demo tokens in the state folder',
    async () => {
      first = await tokenInitJson();
      expect(first.stateDir).toBe(stateDir);
      expect(first.confPath).toBe(join(stateDir, 'softhsm', 'softhsm2.conf'));
      expect(readFileSync(first.confPath, 'utf8')).toContain(
        `directories.tokendir = ${join(stateDir, 'softhsm', 'tokens')}`,
      );
      expect(first.pki).toEqual({
        dir: join(stateDir, 'pki'),
        baseUrl: 'http://127.0.0.1:18999',
        created: true,
      });
      expect(existsSync(join(stateDir, 'pki', 'pki.json'))).toBe(true);
      expect(first.tokens.map((t) => [t.label, t.keyType, t.tckn, t.created])).toEqual([
        ['EIMZA-RSA', 'rsa2048', '10000000146', true],
        ['EIMZA-EC', 'ec-p256', '12345678950', true],
      ]);
      expect(first.tokens[0]?.certificate.subject).toContain('CN=AHMET YILMAZ');
      expect(first.tokens[1]?.certificate.subject).toContain('CN=AYŞE KAYA');
      expect([first.pin, first.puk]).toEqual(['123456', '12345678']);
      expect(first.note).toMatch(/test credentials/u);
    },
    SUBPROCESS_TIMEOUT_MS,
  );

  it('records the tokens’ certificates in the persisted PKI registry', () => {
    const registry = readFileSync(join(stateDir, 'pki', 'pki.json'), 'utf8');
    for (const serial of serials(first)) expect(registry).toContain(serial);
  });

  it(
    'second run is a no-op with the same tokens and certificate serials',
    async () => {
      const second = await tokenInitJson();
      expect(second.pki.created).toBe(false);
      expect(second.tokens.map((t) => t.created)).toEqual([false, false]);
      expect(serials(second)).toEqual(serials(first));
      expect(second.tokens.map((t) => t.tokenSerial)).toEqual(
        first.tokens.map((t) => t.tokenSerial),
      );
      expect(second.tokens.map((t) => t.slotId)).toEqual(first.tokens.map((t) => t.slotId));
    },
    SUBPROCESS_TIMEOUT_MS,
  );

  it(
    'prints labels, slots, serials, subjects, validity, SOFTHSM2_CONF and the test PINs as text',
    async () => {
      const { stdout } = await tokenInit([]);
      expect(stdout).toContain('already in place, nothing changed');
      expect(stdout).toContain(`SOFTHSM2_CONF   ${first.confPath}`);
      for (const token of first.tokens) {
        expect(stdout).toContain(token.label);
        expect(stdout).toContain(`slot ${token.slotId}`);
        expect(stdout).toContain(token.certificate.serialNumberHex);
        expect(stdout).toContain(token.certificate.subject);
        expect(stdout).toContain(`valid        ${token.certificate.notBefore.slice(0, 10)} to`);
      }
      expect(stdout).toContain('PIN 123456, PUK 12345678');
      expect(stdout).toMatch(/test credentials/u);
    },
    SUBPROCESS_TIMEOUT_MS,
  );

  it(
    '--reset makes new tokens certified by the same PKI',
    async () => {
      const reset = await tokenInitJson(['--reset']);
      expect(reset.pki.created).toBe(false);
      expect(reset.tokens.map((t) => t.created)).toEqual([true, true]);
      for (const serial of serials(reset)) expect(serials(first)).not.toContain(serial);
      expect(reset.tokens.map((t) => t.certificate.issuer)).toEqual(
        first.tokens.map((t) => t.certificate.issuer),
      );
      expect(reset.tokens.map((t) => t.ckaId)).not.toEqual(first.tokens.map((t) => t.ckaId));
    },
    SUBPROCESS_TIMEOUT_MS,
  );

  it(
    '--reset-pki starts over with a new PKI',
    async () => {
      const rootBefore = readFileSync(join(stateDir, 'pki', 'certs', 'root-rsa.pem'), 'utf8');
      const reset = await tokenInitJson(['--reset-pki']);
      expect(reset.pki.created).toBe(true);
      expect(reset.tokens.map((t) => t.created)).toEqual([true, true]);
      expect(readFileSync(join(stateDir, 'pki', 'certs', 'root-rsa.pem'), 'utf8')).not.toBe(
        rootBefore,
      );
    },
    SUBPROCESS_TIMEOUT_MS,
  );

  it(
    'fails with one clear sentence and exit code 1 on a PIN the tokens cannot take',
    async () => {
      const failure = await tokenInit([], { EIMZA_DEMO_PIN: '12' }).then(
        () => undefined,
        (error: { code?: number; stderr?: string }) => error,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr?.trim()).toBe(
        'token:init: The PIN and the PUK need at least 4 characters.',
      );
    },
    SUBPROCESS_TIMEOUT_MS,
  );
});
