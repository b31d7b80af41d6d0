import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTokens, type TestTokens } from '@eimza/testpki';
import { baseEnv, buildCli, runCli, tempDir, type CliResult } from './harness.js';

const NEW_PIN = '482915';
const NEWER_PIN = '639027';
const NEW_PUK = '90817263';
const WRONG = '000111';

let cli: { binary: string; cleanup: () => void };
let tokens: TestTokens;
let work: string;
let env: NodeJS.ProcessEnv;
let rsaSerial: string;
let rsaCertId: string;

function eimza(args: string[], input?: string): Promise<CliResult> {
  return runCli(cli.binary, ['--no-discovery', '--module', tokens.modulePath, ...args], env, input);
}

function expectNoSecrets(result: CliResult, ...secrets: string[]): void {
  for (const secret of secrets) expect(result.stdout + result.stderr).not.toContain(secret);
}

async function signWith(pin: string): Promise<CliResult> {
  const input = join(work, 'in.txt');
  writeFileSync(input, 'deneme');
  return eimza(
    [
      'sign-text',
      '--cert',
      rsaCertId,
      '--in',
      input,
      '--out',
      join(work, 'out.sig'),
      '--pin-stdin',
    ],
    `${pin}\n`,
  );
}

beforeAll(async () => {
  cli = buildCli();
  tokens = await createTestTokens();
  work = tempDir('eimza-cli-pin-');
  env = baseEnv({ ...tokens.env, EIMZA_STATE_DIR: join(work, 'state') });
  const rsa = tokens.tokens.find((t) => t.label === 'EIMZA-RSA');
  if (!rsa) throw new Error('no RSA test token');
  rsaSerial = rsa.tokenSerial;
  rsaCertId = `${rsa.tokenSerial}:${rsa.ckaId}`;
});

afterAll(() => {
  cli?.cleanup();
  tokens?.cleanup();
});

describe('eimza pin', () => {
  it('asks which token when several are present', async () => {
    const result = await eimza(['pin', 'change', '--stdin'], `${tokens.pin}\n${NEW_PIN}\n`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--token');
    expect(result.stderr).toContain('EIMZA-EC');
  });

  it('changes the PIN, after which only the new PIN signs', async () => {
    const changed = await eimza(
      ['pin', 'change', '--token', rsaSerial, '--stdin'],
      `${tokens.pin}\n${NEW_PIN}\n`,
    );
    expect(changed.stderr).toBe('');
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain('PIN değiştirildi');
    expectNoSecrets(changed, tokens.pin, NEW_PIN);

    expect((await signWith(tokens.pin)).code).toBe(3);
    expect((await signWith(NEW_PIN)).code).toBe(0);
  });

  it('selects the token by label and reports a wrong old PIN with exit 3', async () => {
    const result = await eimza(
      ['--json', 'pin', 'change', '--token', 'EIMZA-RSA', '--stdin'],
      `${WRONG}\n${NEWER_PIN}\n`,
    );
    expect(result.code).toBe(3);
    const error = (JSON.parse(result.stdout) as { error: { code: string; hint?: string } }).error;
    expect(error.code).toBe('PIN_INCORRECT');
    expect(error.hint).toContain('kalan deneme hakkı azaldı');
    expectNoSecrets(result, WRONG, NEWER_PIN);
  });

  it('refuses a new PIN outside the token length range before the token sees it', async () => {
    const result = await eimza(
      ['pin', 'change', '--token', 'EIMZA-RSA', '--stdin'],
      `${NEW_PIN}\n12\n`,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Yeni PIN \d+–\d+ karakter olmalı/);
  });

  it('unlocks (re-sets) the PIN with the PUK via --stdin', async () => {
    const unlocked = await eimza(
      ['pin', 'unlock', '--token', 'EIMZA-RSA', '--stdin'],
      `${tokens.puk}\n${NEWER_PIN}\n`,
    );
    expect(unlocked.stderr).toBe('');
    expect(unlocked.code).toBe(0);
    expect(unlocked.stdout).toContain('PIN kilidi açıldı');
    expectNoSecrets(unlocked, tokens.puk, NEWER_PIN);
    expect((await signWith(NEWER_PIN)).code).toBe(0);
  });

  it('rejects a wrong PUK with exit 3 and the PUK tries state', async () => {
    const result = await eimza(
      ['--lang', 'en', 'pin', 'unlock', '--token', 'EIMZA-RSA', '--stdin'],
      `${WRONG}99\n${NEW_PIN}\n`,
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('Wrong PUK.');
    expectNoSecrets(result, `${WRONG}99`, NEW_PIN);
  });

  it('changes the PUK; the old PUK stops working and the new one unlocks', async () => {
    const changed = await eimza(
      ['--json', 'pin', 'change-puk', '--token', rsaSerial, '--stdin'],
      `${tokens.puk}\n${NEW_PUK}\n`,
    );
    expect(changed.code).toBe(0);
    expect(JSON.parse(changed.stdout)).toMatchObject({
      ok: true,
      action: 'changePuk',
      token: { serial: rsaSerial },
    });
    expectNoSecrets(changed, tokens.puk, NEW_PUK);

    expect(
      (
        await eimza(
          ['pin', 'unlock', '--token', rsaSerial, '--stdin'],
          `${tokens.puk}\n${NEW_PIN}\n`,
        )
      ).code,
    ).toBe(3);
    expect(
      (await eimza(['pin', 'unlock', '--token', rsaSerial, '--stdin'], `${NEW_PUK}\n${NEW_PIN}\n`))
        .code,
    ).toBe(0);
    expect((await signWith(NEW_PIN)).code).toBe(0);
  });

  it('says which line is missing when standard input runs short', async () => {
    const result = await eimza(['pin', 'change', '--token', rsaSerial, '--stdin'], `${NEW_PIN}\n`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('2. satır');
    expectNoSecrets(result, NEW_PIN);
  });
});
