import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The one folder every eimza command (token:init, the CLI, the API) reads and writes:
 * `EIMZA_STATE_DIR`, else the per-user data folder (XDG on Linux, the platform's own elsewhere).
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EIMZA_STATE_DIR) return env.EIMZA_STATE_DIR;
  if (process.platform === 'win32') {
    return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'eimza');
  }
  if (process.platform === 'darwin') {
    return join(homedir(), 'Library', 'Application Support', 'eimza');
  }
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'eimza');
}

/** Where the project's SoftHSM2 tokens live, kept apart from the system's own SoftHSM2 setup. */
export function softHsmDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'softhsm');
}

export function softHsmConfPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(softHsmDir(env), 'softhsm2.conf');
}

/** The persisted test PKI (CA keys and certificates) that the demo tokens and the API share. */
export function testPkiDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'pki');
}

/** Demo credentials: test values only, overridable so scripts can pick their own. */
export function demoPin(env: NodeJS.ProcessEnv = process.env): string {
  return env.EIMZA_DEMO_PIN ?? '123456';
}

export function demoPuk(env: NodeJS.ProcessEnv = process.env): string {
  return env.EIMZA_DEMO_PUK ?? '12345678';
}
