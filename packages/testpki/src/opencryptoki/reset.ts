import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assertOpenCryptokiAvailable } from './availability.js';
import { SOFT_TOKEN_DIR } from './paths.js';

/**
 * Returns the soft token to the state of a fresh install. Its SO PIN cannot be unlocked through PKCS#11,
 * so deleting the token's files is the only reset there is.
 */
export function resetOpenCryptokiToken(): void {
  assertOpenCryptokiAvailable();
  for (const file of ['NVTOK.DAT', 'MK_SO', 'MK_USER'])
    rmSync(join(SOFT_TOKEN_DIR, file), { force: true });
  const objects = join(SOFT_TOKEN_DIR, 'TOK_OBJ');
  for (const entry of readdirSync(objects))
    rmSync(join(objects, entry), { recursive: true, force: true });
}
