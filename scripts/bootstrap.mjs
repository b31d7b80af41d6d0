#!/usr/bin/env node
// Installs what a fresh Debian machine lacks before `npm start`, `npm test` or `npm run bench`:
// the Debian packages the project drives for real, and the npm dependencies.
// Plain Node with no dependencies, because it runs before `npm install` has.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Debian package → a file whose presence proves it is installed. */
const debianPackages = {
  start: {
    softhsm2: '/usr/lib/softhsm/libsofthsm2.so',
    opensc: '/usr/bin/pkcs11-tool',
    openssl: '/usr/bin/openssl',
  },
  test: {
    softhsm2: '/usr/lib/softhsm/libsofthsm2.so',
    opensc: '/usr/bin/pkcs11-tool',
    openssl: '/usr/bin/openssl',
    opencryptoki: '/usr/sbin/pkcsslotd',
    postgresql: '/usr/lib/postgresql/15/bin/postgres',
    chromium: '/usr/bin/chromium',
  },
};

function log(line) {
  process.stderr.write(`[bootstrap] ${line}\n`);
}

export function ensureDebianPackages(purpose) {
  const wanted = debianPackages[purpose] ?? debianPackages.start;
  const missing = Object.entries(wanted)
    .filter(([, proof]) => !existsSync(proof))
    .map(([name]) => name);
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (!hasApt) {
    throw new Error(
      `eimza needs these packages and cannot install them on this system: ${missing.join(', ')}. Install them with your package manager and run the command again.`,
    );
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => {
    const command = isRoot ? args : ['sudo', '-n', ...args];
    return spawnSync(command[0], command.slice(1), { stdio: 'inherit', env });
  };
  const update = run(['apt-get', 'update', '-qq']);
  const install =
    update.status === 0 ? run(['apt-get', 'install', '-y', '-qq', ...missing]) : update;
  if (install.status !== 0) {
    throw new Error(
      `Could not install ${missing.join(', ')}. Run: sudo apt-get install ${missing.join(' ')}`,
    );
  }
}

export function ensureNodeModules() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const fresh =
    existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs);
  if (fresh) return;
  log('installing npm dependencies');
  // The Electron binary cannot be downloaded on every machine; its package (and types) still install.
  const env = {
    ...process.env,
    ELECTRON_SKIP_BINARY_DOWNLOAD: process.env.ELECTRON_SKIP_BINARY_DOWNLOAD ?? '1',
  };
  const args = existsSync(lock) && process.env.CI ? ['ci'] : ['install'];
  execFileSync('npm', [...args, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env });
}

export function bootstrap(purpose = 'start') {
  ensureDebianPackages(purpose);
  ensureNodeModules();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    bootstrap(process.argv[2] ?? 'start');
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
