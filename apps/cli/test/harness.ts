import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds the real bundle into a folder of its own (inside the repo, so `pkcs11js` resolves from node_modules). */
export function buildCli(): { binary: string; cleanup: () => void } {
  const outdir = join(cliDir, 'dist', `test-${process.pid}-${Date.now()}`);
  execFileSync(process.execPath, [join(cliDir, 'build.mjs'), '--outdir', outdir], {
    stdio: 'inherit',
  });
  return {
    binary: join(outdir, 'eimza.js'),
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built binary as a user would: a child process, its own environment, optional standard input. */
export function runCli(
  binary: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binary, ...args], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** A clean environment: no colour settings, no locale, no module override leaking in from the developer's shell. */
export function baseEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
  };
  return { ...env, ...extra };
}
