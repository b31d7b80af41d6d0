/**
 * Where auto-updates come from: EIMZA_UPDATE_FEED overrides; otherwise a packaged build uses the
 * `publish` entry electron-builder wrote into app-update.yml. Never in development, and never when
 * a packaged build has no feed at all.
 */
export type UpdateFeed =
  | { enabled: false; reason: 'development' | 'no-feed' | 'invalid-feed' }
  | { enabled: true; url?: string };

export function updateFeed(
  env: NodeJS.ProcessEnv,
  isPackaged: boolean,
  hasPublishConfig: boolean,
): UpdateFeed {
  if (!isPackaged) return { enabled: false, reason: 'development' };
  const override = env.EIMZA_UPDATE_FEED?.trim();
  if (override) {
    let url: URL;
    try {
      url = new URL(override);
    } catch {
      return { enabled: false, reason: 'invalid-feed' };
    }
    // An update feed decides what code runs next: https only.
    if (url.protocol !== 'https:') return { enabled: false, reason: 'invalid-feed' };
    return { enabled: true, url: url.href };
  }
  return hasPublishConfig ? { enabled: true } : { enabled: false, reason: 'no-feed' };
}

/** Whether electron-builder's app-update.yml names a feed (an unset `${env.EIMZA_UPDATE_FEED}` leaves none). */
export function publishConfigHasFeed(appUpdateYml: string | undefined): boolean {
  if (!appUpdateYml) return false;
  const url = /^url:\s*['"]?([^'"\s]+)/m.exec(appUpdateYml)?.[1];
  return url !== undefined && /^https:\/\//.test(url);
}
