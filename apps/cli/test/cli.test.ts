import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTokens, writeSoftHsmConf, type TestTokens } from '@eimza/testpki';
import { baseEnv, buildCli, runCli, tempDir, type CliResult } from './harness.js';

const WRONG_PIN = '735194';

let cli: { binary: string; cleanup: () => void };
let tokens: TestTokens;
let work: string;
let env: NodeJS.ProcessEnv;

/** Only the test tokens' module: discovery would also pick up whatever else this machine has installed. */
const only = (tokens: TestTokens) => ['--no-discovery', '--module', tokens.modulePath];

function eimza(
  args: string[],
  input?: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  return runCli(cli.binary, [...only(tokens), ...args], { ...env, ...extraEnv }, input);
}

function json(result: CliResult): Record<string, unknown> {
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

interface CertJson {
  id: string;
  tckn: string;
  keyAlgorithm: { name: string };
  certificatePem: string;
  signingCapable: boolean;
  validity: string;
  tokenLabel: string;
}

async function certificates(): Promise<CertJson[]> {
  const result = await eimza(['--json', 'certs']);
  expect(result.code).toBe(0);
  return json(result).certificates as CertJson[];
}

function publicKeyOf(cert: CertJson, name: string): string {
  const certPath = join(work, `${name}.crt`);
  writeFileSync(certPath, cert.certificatePem);
  const pubPath = join(work, `${name}.pub.pem`);
  writeFileSync(pubPath, execFileSync('openssl', ['x509', '-in', certPath, '-pubkey', '-noout']));
  return pubPath;
}

/** Runs `openssl dgst -verify` and reports whether OpenSSL accepted the signature. */
function opensslVerifies(pub: string, signature: string, input: string): boolean {
  try {
    const out = execFileSync(
      'openssl',
      ['dgst', '-sha256', '-verify', pub, '-signature', signature, input],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return out.toString().includes('Verified OK');
  } catch {
    return false;
  }
}

beforeAll(async () => {
  cli = buildCli();
  tokens = await createTestTokens();
  work = tempDir('eimza-cli-');
  env = baseEnv({ ...tokens.env, EIMZA_STATE_DIR: join(work, 'state') });
});

afterAll(() => {
  cli?.cleanup();
  tokens?.cleanup();
});

describe('eimza tokens', () => {
  it('lists the module and both test tokens with their PIN states (Turkish by default)', async () => {
    const result = await eimza(['tokens']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Denenen PKCS#11 modülleri (1)');
    expect(result.stdout).toContain(tokens.modulePath);
    expect(result.stdout).toContain('EIMZA-RSA');
    expect(result.stdout).toContain('EIMZA-EC');
    expect(result.stdout).toMatch(/Kullanıcı PIN:\s+Tamam/);
    expect(result.stdout).toMatch(/PUK \(SO PIN\):\s+Tamam/);
    expect(result.stdout).not.toContain('\u001b['); // piped stdout: no colour
  });

  it('prints one JSON object with --json', async () => {
    const result = await eimza(['tokens', '--json']);
    expect(result.code).toBe(0);
    const report = json(result) as {
      modules: { loaded: boolean }[];
      tokens: { label: string; serial: string; userPinStatus: string }[];
    };
    expect(report.modules).toHaveLength(1);
    expect(report.modules[0]?.loaded).toBe(true);
    expect(report.tokens.map((t) => t.label).sort()).toEqual(['EIMZA-EC', 'EIMZA-RSA']);
    expect(report.tokens.map((t) => t.serial).sort()).toEqual(
      tokens.tokens.map((t) => t.tokenSerial).sort(),
    );
    expect(report.tokens.every((t) => t.userPinStatus === 'ok')).toBe(true);
  });

  it('speaks English with --lang en and when LANG starts with en', async () => {
    const byFlag = await eimza(['--lang', 'en', 'tokens']);
    expect(byFlag.stdout).toContain('PKCS#11 modules tried (1)');
    expect(byFlag.stdout).toMatch(/User PIN:\s+OK/);
    const byLocale = await eimza(['tokens'], undefined, { LANG: 'en_GB.UTF-8' });
    expect(byLocale.stdout).toContain('Tokens (2)');
  });

  it('reports a module that cannot load and exits 2 when none loads', async () => {
    const notALibrary = join(work, 'libbroken.so');
    writeFileSync(notALibrary, 'not a shared library');
    const args = [
      '--no-discovery',
      '--module',
      '/nonexistent/libnothing.so',
      '--module',
      notALibrary,
      'tokens',
    ];
    const result = await runCli(cli.binary, args, env);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('1 konumda dosya yok (kurulu değil): nothing');
    expect(result.stdout).toContain(`✗ broken  ${notALibrary}`);
    expect(result.stdout).toContain('yüklenemedi:');
    expect(result.stderr).toContain('Hiçbir PKCS#11 modülü');

    const asJson = await runCli(
      cli.binary,
      ['--json', '--no-discovery', '--module', '/nonexistent/libnothing.so', 'certs'],
      env,
    );
    expect(asJson.code).toBe(2);
    const error = (json(asJson) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('NO_MODULE');
    expect(error.message.length).toBeGreaterThan(10);
    expect(asJson.stderr).toBe('');
  });

  it('exits 2 with a clear message when the module has no token', async () => {
    const empty = writeSoftHsmConf(join(work, 'empty-softhsm'));
    const result = await eimza(['tokens'], undefined, { SOFTHSM2_CONF: empty.confPath });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Takılı kart (token) bulunamadı');
  });
});

describe('eimza certs', () => {
  it('lists both certificates with the T.C. Kimlik No masked', async () => {
    const result = await eimza(['certs']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('AHMET YILMAZ');
    expect(result.stdout).toContain('AYŞE KAYA');
    expect(result.stdout).toContain('100******46');
    expect(result.stdout).not.toContain('10000000146');
    expect(result.stdout).toContain('RSA 2048');
    expect(result.stdout).toContain('EC P-256');
    expect(result.stdout).toMatch(/geçerli \(\d+ gün kaldı\)/);
  });

  it('shows the full T.C. Kimlik No with --full, also in --json', async () => {
    const text = await eimza(['certs', '--full']);
    expect(text.stdout).toContain('10000000146');
    const list = await certificates();
    expect(list.map((c) => c.tckn).sort()).toEqual(['100******46', '123******50']);
    const full = json(await eimza(['--json', 'certs', '--full'])).certificates as CertJson[];
    expect(full.map((c) => c.tckn).sort()).toEqual(['10000000146', '12345678950']);
    expect(full.every((c) => c.signingCapable && c.validity === 'valid')).toBe(true);
  });
  it('marks an expired certificate and warns about it on standard error', async () => {
    const old = await createTestTokens({
      pki: tokens.pki,
      tokens: [
        {
          label: 'EIMZA-OLD',
          keyType: 'ec-p256',
          tckn: '10000000146',
          name: 'ESKİ SERTİFİKA',
          variant: 'expired',
        },
      ],
    });
    try {
      const args = ['--no-discovery', '--module', old.modulePath, 'certs'];
      const result = await runCli(cli.binary, args, { ...env, ...old.env });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('SÜRESİ DOLMUŞ');
      expect(result.stderr).toContain('"ESKİ SERTİFİKA" sertifikasının süresi dolmuş');
      const asJson = await runCli(cli.binary, ['--json', ...args], { ...env, ...old.env });
      const [cert] = (
        JSON.parse(asJson.stdout) as { certificates: { validity: string; daysLeft: number }[] }
      ).certificates;
      expect(cert?.validity).toBe('expired');
      expect(cert?.daysLeft).toBeLessThan(0);
    } finally {
      old.cleanup();
    }
  });
});

describe('eimza sign-text', () => {
  const input = () => {
    const path = join(work, 'metin.txt');
    writeFileSync(
      path,
      'Kullanıcı servislerine elektronik imzalı olarak girme işlemini onaylıyorum\n',
    );
    return path;
  };

  for (const algorithm of ['RSA', 'EC'] as const) {
    it(`signs with the ${algorithm} token so that openssl dgst -verify accepts it`, async () => {
      const cert = (await certificates()).find((c) => c.keyAlgorithm.name === algorithm);
      if (!cert) throw new Error(`no ${algorithm} certificate`);
      const file = input();
      const signature = join(work, `${algorithm}.sig`);
      const result = await eimza(
        ['sign-text', '--cert', cert.id, '--in', file, '--out', signature, '--pin-stdin'],
        `${tokens.pin}\n`,
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('İmza yazıldı');
      const pub = publicKeyOf(cert, algorithm);
      expect(opensslVerifies(pub, signature, file)).toBe(true);

      const tampered = join(work, `${algorithm}-tampered.txt`);
      writeFileSync(tampered, `${readFileSync(file, 'utf8')}!`);
      expect(opensslVerifies(pub, signature, tampered)).toBe(false);
    });
  }

  it('rejects a wrong PIN with exit 3, the tries state from the token, and never echoes the PIN', async () => {
    const cert = (await certificates()).find((c) => c.keyAlgorithm.name === 'RSA');
    if (!cert) throw new Error('no RSA certificate');
    const args = [
      'sign-text',
      '--cert',
      cert.id,
      '--in',
      input(),
      '--out',
      join(work, 'wrong.sig'),
      '--pin-stdin',
    ];
    const text = await eimza(args, `${WRONG_PIN}\n`);
    expect(text.code).toBe(3);
    expect(text.stderr).toContain('PIN yanlış');
    expect(text.stderr).toContain('kalan deneme hakkı azaldı');
    expect(text.stdout + text.stderr).not.toContain(WRONG_PIN);

    const asJson = await eimza(['--json', ...args], `${WRONG_PIN}\n`);
    expect(asJson.code).toBe(3);
    const error = (json(asJson) as { error: { code: string; pinStatus: string } }).error;
    expect(error.code).toBe('PIN_INCORRECT');
    expect(error.pinStatus).toBe('countLow');
    expect(asJson.stdout + asJson.stderr).not.toContain(WRONG_PIN);

    const listed = await eimza(['tokens']);
    expect(listed.stdout).toContain('Yanlış deneme var');

    const verbose = await eimza(['--verbose', ...args], `${WRONG_PIN}\n`);
    expect(verbose.code).toBe(3);
    expect(verbose.stderr).toContain('"component":"token"'); // the debug log is really on
    expect(verbose.stdout + verbose.stderr).not.toContain(WRONG_PIN);

    const english = await eimza(['--lang', 'en', ...args], `${WRONG_PIN}\n`);
    expect(english.stderr).toContain('Wrong PIN.');
  });

  it('names an unknown certificate id clearly and exits 2', async () => {
    const result = await eimza(
      [
        'sign-text',
        '--cert',
        'nope:00',
        '--in',
        input(),
        '--out',
        join(work, 'x.sig'),
        '--pin-stdin',
      ],
      `${tokens.pin}\n`,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"nope:00" kimlikli sertifika bulunamadı');
    expect(result.stdout + result.stderr).not.toContain(tokens.pin);
  });

  it('fails with exit 7 when the input file is missing and exit 1 on a usage error', async () => {
    const missing = await eimza([
      'sign-text',
      '--cert',
      'x',
      '--in',
      join(work, 'yok.txt'),
      '--out',
      join(work, 'y.sig'),
      '--pin-stdin',
    ]);
    expect(missing.code).toBe(7);
    const usage = await eimza(['--json', 'sign-text', '--in', 'a']);
    expect(usage.code).toBe(1);
    expect((json(usage) as { error: { code: string } }).error.code).toBe('USAGE');
  });

  it('asks for a terminal or --pin-stdin when standard input is not a terminal', async () => {
    const cert = (await certificates())[0];
    if (!cert) throw new Error('no certificate');
    const result = await eimza([
      'sign-text',
      '--cert',
      cert.id,
      '--in',
      input(),
      '--out',
      join(work, 'z.sig'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--pin-stdin');
  });
});

describe('eimza --help', () => {
  it('documents the exit codes in both languages', async () => {
    const tr = await eimza(['--help']);
    expect(tr.code).toBe(0);
    expect(tr.stdout).toContain('Çıkış kodları:');
    expect(tr.stdout).toMatch(/4\s+PIN veya PUK kilitli/);
    expect(tr.stdout).toContain('Komutlar:');
    const en = await eimza(['--lang', 'en', '--help']);
    expect(en.stdout).toMatch(/3\s+wrong PIN or PUK/);
  });

  it('answers a --json run without a command, or with an unknown option, with one JSON error object', async () => {
    for (const args of [['--json'], ['--json', 'pin'], ['--json', 'pin', 'change', '--bogus']]) {
      const result = await eimza(args);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('');
      expect((json(result) as { error: { code: string } }).error.code).toBe('USAGE');
    }
  });
});
