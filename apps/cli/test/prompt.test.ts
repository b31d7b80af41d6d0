import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTokens, type TestTokens } from '@eimza/testpki';
import { baseEnv, buildCli, tempDir } from './harness.js';

const SCRIPT = '/usr/bin/script';
const noTerminal = !existsSync(SCRIPT);
const title = (name: string) =>
  noTerminal ? `${name} (skipped: util-linux script missing at ${SCRIPT})` : name;
const NEW_PIN = '557713';

let cli: { binary: string; cleanup: () => void };
let tokens: TestTokens;
let env: NodeJS.ProcessEnv;

/** A shell-safe single-quoted word. */
const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`) and types each answer once its prompt appears, as a
 * person would. Returns everything the terminal showed and the CLI's exit code.
 */
function onTerminal(
  args: string[],
  dialogue: Array<[prompt: string, answer: string]>,
  extraEnv: NodeJS.ProcessEnv = { NO_COLOR: '1' },
): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, cli.binary, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], {
      env: { ...env, TERM: 'xterm', ...extraEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let step = 0;
    // Only what the terminal showed since the last answer counts, as inquirer redraws earlier prompts.
    let from = 0;
    const onData = (chunk: Buffer) => {
      screen += chunk.toString('utf8');
      const next = dialogue[step];
      if (next && screen.indexOf(next[0], from) >= 0) {
        step += 1;
        from = screen.length;
        child.stdin.write(`${next[1]}\r`);
      }
    };
    child.stdin.on('error', () => undefined); // the CLI may exit before the last keystroke is read
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen }));
  });
}

beforeAll(async () => {
  cli = buildCli();
  tokens = await createTestTokens();
  env = baseEnv({ ...tokens.env, EIMZA_STATE_DIR: join(tempDir('eimza-cli-pty-'), 'state') });
});

afterAll(() => {
  cli?.cleanup();
  tokens?.cleanup();
});

describe('interactive prompts on a terminal', () => {
  it.skipIf(noTerminal)(title('changes the PIN through masked prompts'), async () => {
    const args = [
      '--no-discovery',
      '--module',
      tokens.modulePath,
      'pin',
      'change',
      '--token',
      'EIMZA-EC',
    ];
    const { code, screen } = await onTerminal(args, [
      ['Mevcut PIN:', tokens.pin],
      ['Yeni PIN:', NEW_PIN],
      ['Yeni PIN (tekrar):', NEW_PIN],
    ]);
    expect(screen).toContain('PIN değiştirildi');
    expect(code).toBe(0);
    expect(screen).not.toContain(tokens.pin);
    expect(screen).not.toContain(NEW_PIN);
    expect(screen).toContain('******');
  });

  it.skipIf(noTerminal)(title('refuses differing new PINs with exit 1'), async () => {
    const args = [
      '--no-discovery',
      '--module',
      tokens.modulePath,
      'pin',
      'change',
      '--token',
      'EIMZA-RSA',
    ];
    const { code, screen } = await onTerminal(args, [
      ['Mevcut PIN:', tokens.pin],
      ['Yeni PIN:', NEW_PIN],
      ['Yeni PIN (tekrar):', '000000'],
    ]);
    expect(code).toBe(1);
    expect(screen).toContain('Yeni PIN ve tekrarı aynı değil');
  });

  it.skipIf(noTerminal)(title('colours a terminal, but not with NO_COLOR'), async () => {
    const args = ['--no-discovery', '--module', tokens.modulePath, 'tokens'];
    const coloured = await onTerminal(args, [], {});
    expect(coloured.code).toBe(0);
    expect(coloured.screen).toContain('\u001b[');
    const plain = await onTerminal(args, [], { NO_COLOR: '1' });
    expect(plain.code).toBe(0);
    expect(plain.screen).toContain('EIMZA-RSA');
    expect(plain.screen).not.toContain('\u001b[');
  });

  it.skipIf(noTerminal)(
    title('exits 130 when the user presses Ctrl+C at the PIN prompt'),
    async () => {
      const args = [
        '--no-discovery',
        '--module',
        tokens.modulePath,
        'pin',
        'unlock',
        '--token',
        'EIMZA-RSA',
      ];
      const { code, screen } = await onTerminal(args, [['PUK:', '\u0003']]);
      expect(code).toBe(130);
      expect(screen).toContain('İşlem iptal edildi');
    },
  );
});
