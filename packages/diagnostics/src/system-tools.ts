import { execFile } from 'node:child_process';
import type { Check, ReaderListing } from './types.js';

function run(file: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 5000 }, (error, stdout, stderr) =>
      resolve({ ok: !error, output: `${stdout}${stderr}`.trim() }),
    );
  });
}

export async function checkPcscd(): Promise<Check> {
  const { ok } = await run('pgrep', ['-x', 'pcscd']);
  return ok
    ? { area: 'pcscd', status: 'OK', key: 'doctor.pcscdRunning', params: {} }
    : {
        area: 'pcscd',
        status: 'WARN',
        key: 'doctor.pcscdNotRunning',
        params: {},
        hint: 'doctor.hints.pcscd',
      };
}

/** Readers as PC/SC sees them, through whichever tool is installed. */
export async function listReaders(): Promise<ReaderListing | null> {
  for (const [tool, args] of [
    ['opensc-tool', ['-l']],
    ['pcsc_scan', ['-r']],
  ] as const) {
    const result = await run(tool, [...args]);
    if (result.output !== '' || result.ok)
      return { tool: `${tool} ${args.join(' ')}`, output: result.output };
  }
  return null;
}

export function readersCheck(readers: ReaderListing | null): Check {
  return readers
    ? { area: 'readers', status: 'OK', key: 'doctor.readers', params: { tool: readers.tool } }
    : {
        area: 'readers',
        status: 'WARN',
        key: 'doctor.noReaderTool',
        params: {},
        hint: 'doctor.hints.readerTool',
      };
}
