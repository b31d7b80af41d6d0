export function electronBinary(
  env?: NodeJS.ProcessEnv,
): { path: string; reason?: undefined } | { path?: undefined; reason: string };

export function displayAvailable(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): boolean;

export function installElectronBinary(): boolean;
