import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SOFTHSM_MODULE_PATH = '/usr/lib/softhsm/libsofthsm2.so';

/** The project's own SoftHSM2 configuration: tokens under `<dir>/tokens`, never the system's /etc/softhsm. */
export function writeSoftHsmConf(dir: string): { confPath: string; tokenDir: string } {
  const tokenDir = join(dir, 'tokens');
  const confPath = join(dir, 'softhsm2.conf');
  mkdirSync(tokenDir, { recursive: true, mode: 0o700 });
  writeFileSync(
    confPath,
    [
      '# Written by eimza (packages/testpki): test tokens only.',
      `directories.tokendir = ${tokenDir}`,
      'objectstore.backend = file',
      'log.level = ERROR',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return { confPath, tokenDir };
}
