import { openCryptokiUnavailableReason } from './availability.js';
import { acquireOpenCryptokiLock, type ReleaseLock } from './lock.js';
import {
  ensureOpenCryptokiToken,
  type EnsureOpenCryptokiTokenOptions,
  type OpenCryptokiToken,
} from './token.js';

/**
 * What every test file on the locking openCryptoki token shares: whether the token can be used on
 * this host (and the skip reason its titles carry), and the token set up afresh under the host-wide
 * lock, held until `release`.
 */
export interface LockingTokenFixture {
  /** Why the token cannot be used here; undefined when it can. */
  readonly unavailable: string | undefined;
  /** The test title, with `(skipped: <reason>)` when the token cannot be used. */
  title(name: string): string;
  /** Takes the host-wide lock (once) and sets the token up afresh under it. */
  setUp(options: EnsureOpenCryptokiTokenOptions): Promise<OpenCryptokiToken>;
  /** Releases the lock if this fixture holds it. */
  release(): Promise<void>;
}

export function lockingTokenFixture(): LockingTokenFixture {
  const unavailable = openCryptokiUnavailableReason();
  let held: ReleaseLock | undefined;
  return {
    unavailable,
    title: (name) => (unavailable ? `${name} (skipped: ${unavailable})` : name),
    async setUp(options) {
      held ??= await acquireOpenCryptokiLock();
      return ensureOpenCryptokiToken(options);
    },
    async release() {
      const release = held;
      held = undefined;
      await release?.();
    },
  };
}

/**
 * `env` without EIMZA_PKCS11_MODULE, so a token service opened with it loads openCryptoki alone
 * (the override would add another module next to it).
 */
export function openCryptokiOnlyEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { EIMZA_PKCS11_MODULE: _override, ...rest } = env;
  return rest;
}
