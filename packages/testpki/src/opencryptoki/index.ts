export { OpenCryptokiUnavailableError, openCryptokiUnavailableReason } from './availability.js';
export { ensurePkcsslotd } from './daemon.js';
export {
  OPENCRYPTOKI_LOCK_PATH,
  acquireOpenCryptokiLock,
  withOpenCryptokiLock,
  type ReleaseLock,
} from './lock.js';
export { OPENCRYPTOKI_MODULE_PATH, SOFT_TOKEN_SLOT } from './paths.js';
export { resetOpenCryptokiToken } from './reset.js';
export {
  ensureOpenCryptokiToken,
  type EnsureOpenCryptokiTokenOptions,
  type OpenCryptokiToken,
} from './token.js';
export { lockingTokenFixture, openCryptokiOnlyEnv, type LockingTokenFixture } from './fixture.js';
