import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { SOFTHSM_MODULE_PATH } from './conf.js';

const execFileAsync = promisify(execFile);

/** Fails with one clear sentence when SoftHSM2 is not installed. */
export function assertSoftHsmInstalled(): void {
  if (!existsSync(SOFTHSM_MODULE_PATH)) {
    throw new Error(
      `SoftHSM2 is not installed (${SOFTHSM_MODULE_PATH} is missing): install softhsm2 (apt-get install softhsm2).`,
    );
  }
}

/**
 * `softhsm2-util --init-token --free`. The PINs travel as arguments (the tool has no other way), so a failure is
 * reported with the tool's stderr only, never the command line.
 */
export async function initSoftHsmToken(
  confPath: string,
  label: string,
  pin: string,
  soPin: string,
): Promise<void> {
  try {
    await execFileAsync(
      'softhsm2-util',
      ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', soPin],
      { env: { ...process.env, SOFTHSM2_CONF: confPath } },
    );
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    // The caught error holds the command line, PINs included: it must not travel on as the cause.
    if (failure.code === 'ENOENT') {
      // eslint-disable-next-line preserve-caught-error
      throw new Error('softhsm2-util was not found: install softhsm2 (apt-get install softhsm2).');
    }
    const detail = (failure.stderr ?? '').trim().split('\n')[0] ?? '';
    // eslint-disable-next-line preserve-caught-error
    throw new Error(
      `softhsm2-util could not initialise token "${label}": ${detail || 'unknown error'}`,
    );
  }
}
