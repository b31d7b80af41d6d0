import { existsSync } from 'node:fs';
import { OPENCRYPTOKI_MODULE_PATH, PKCSSLOTD_PATH } from './paths.js';

/** Thrown when the openCryptoki soft token cannot be used on this machine; the message says why. */
export class OpenCryptokiUnavailableError extends Error {
  override readonly name = 'OpenCryptokiUnavailableError';
}

/**
 * Why the system-wide openCryptoki soft token cannot be set up here, or undefined when it can.
 * Root is needed because setup starts pkcsslotd and rewrites /var/lib/opencryptoki/swtok.
 */
export function openCryptokiUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'openCryptoki runs on Linux only';
  if (!existsSync(OPENCRYPTOKI_MODULE_PATH))
    return `openCryptoki is not installed (${OPENCRYPTOKI_MODULE_PATH} missing): install opencryptoki`;
  if (!existsSync(PKCSSLOTD_PATH))
    return `pkcsslotd is missing (${PKCSSLOTD_PATH}): install opencryptoki`;
  if (process.getuid?.() !== 0)
    return 'setting up the openCryptoki soft token needs root (it starts pkcsslotd and resets /var/lib/opencryptoki/swtok)';
  return undefined;
}

export function assertOpenCryptokiAvailable(): void {
  const reason = openCryptokiUnavailableReason();
  if (reason)
    throw new OpenCryptokiUnavailableError(
      `The openCryptoki soft token is unavailable: ${reason}.`,
    );
}
