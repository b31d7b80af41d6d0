// Where the Electron binary is, without loading the `electron` package: its index.js tries to
// download a missing binary, which cannot work on machines without internet access.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `{ path }` when the Electron executable exists, else `{ reason }` in one line. */
export function electronBinary(env = process.env) {
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'package.json'))) {
    return { reason: 'the electron package is not installed (npm install)' };
  }
  const pathFile = join(pkg, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const dist = env.ELECTRON_OVERRIDE_DIST_PATH || join(pkg, 'dist');
  const path = join(dist, relative || (process.platform === 'win32' ? 'electron.exe' : 'electron'));
  if (relative === undefined && !env.ELECTRON_OVERRIDE_DIST_PATH) {
    return {
      reason:
        'the Electron binary is not installed (`npx install-electron` fetches it where the internet is reachable)',
    };
  }
  return existsSync(path) ? { path } : { reason: `the Electron binary is missing at ${path}` };
}

/** Whether a window can open: always on Windows and macOS, on Linux only with X11 or Wayland. */
export function displayAvailable(env = process.env, platform = process.platform) {
  if (platform !== 'linux') return true;
  return Boolean(env.DISPLAY?.trim() || env.WAYLAND_DISPLAY?.trim());
}

/**
 * Runs the electron package's own downloader once (npm installs here skip it, see bootstrap.mjs).
 * Quiet: the caller reports the outcome. False when it is unavailable or fails.
 */
export function installElectronBinary() {
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return false;
  const run = spawnSync(process.execPath, [installer], {
    stdio: 'ignore',
    timeout: 10 * 60_000,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
  });
  return run.status === 0;
}
