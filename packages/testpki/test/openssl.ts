import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OpensslResult {
  code: number;
  stdout: string;
  stderr: string;
  output: string;
}

/**
 * Runs the OpenSSL 3 CLI asynchronously: the live services run in this same process, so a
 * synchronous child would block the event loop that has to answer it.
 */
export function openssl(args: string[], input?: Uint8Array): Promise<OpensslResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'openssl',
      args,
      { encoding: 'buffer', timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        const out = stdout.toString('utf8');
        const err = stderr.toString('utf8');
        resolve({ code, stdout: out, stderr: err, output: `${out}\n${err}` });
      },
    );
    if (input) child.stdin?.end(Buffer.from(input));
    else child.stdin?.end();
  });
}

/** A scratch folder with helpers to drop PEM/DER files in it. */
export function scratch(prefix: string): {
  dir: string;
  file(name: string, content: string | Uint8Array): string;
} {
  const dir = mkdtempSync(join(tmpdir(), `eimza-testpki-${prefix}-`));
  return {
    dir,
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
  };
}
