import { existsSync } from 'node:fs';
import pkcs11js from 'pkcs11js';

/**
 * PKCS#11 libraries stay mapped for the life of the process. When a worker thread ends, its pkcs11js objects are
 * freed (dlclose) before the thread's thread-specific-data destructors run; a library that registered such a
 * destructor (seen with SoftHSM2 or OpenSC loaded beside openCryptoki) then jumps into unmapped code and the
 * process dies with SIGSEGV. One extra dlopen from the main thread, never closed, keeps every library mapped.
 */
const pinned = new Map<string, pkcs11js.PKCS11>();

export function pinLibraries(paths: string[]): void {
  for (const path of paths) {
    if (pinned.has(path) || !existsSync(path)) continue;
    const api = new pkcs11js.PKCS11();
    try {
      api.load(path);
      pinned.set(path, api);
    } catch {
      // Not a PKCS#11 library: the worker reports why when it tries the same path.
    }
  }
}
