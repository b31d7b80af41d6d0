import packageJson from '../../package.json' with { type: 'json' };
import type { AppInfo } from '../shared/ipc.js';

export function appInfo(stateDir: string): AppInfo {
  return { version: packageJson.version, platform: process.platform, stateDir };
}
