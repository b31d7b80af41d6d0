import { describe, expect, it } from 'vitest';
import { publishConfigHasFeed, updateFeed } from './update-feed.js';

describe('updateFeed', () => {
  it('is off in development whatever the environment says', () => {
    expect(updateFeed({ EIMZA_UPDATE_FEED: 'https://updates.example/eimza' }, false, true)).toEqual(
      {
        enabled: false,
        reason: 'development',
      },
    );
  });

  it('uses EIMZA_UPDATE_FEED over the packaged publish config', () => {
    expect(
      updateFeed({ EIMZA_UPDATE_FEED: ' https://updates.example/eimza ' }, true, true),
    ).toEqual({
      enabled: true,
      url: 'https://updates.example/eimza',
    });
  });

  it('refuses a feed that is not https or not a URL', () => {
    for (const feed of ['http://updates.example/', 'file:///tmp/feed', 'updates.example']) {
      expect(updateFeed({ EIMZA_UPDATE_FEED: feed }, true, true)).toEqual({
        enabled: false,
        reason: 'invalid-feed',
      });
    }
  });

  it('falls back to the publish config, and is off without one', () => {
    expect(updateFeed({}, true, true)).toEqual({ enabled: true });
    expect(updateFeed({ EIMZA_UPDATE_FEED: '  ' }, true, false)).toEqual({
      enabled: false,
      reason: 'no-feed',
    });
  });
});

describe('publishConfigHasFeed', () => {
  it('reads the url electron-builder wrote into app-update.yml', () => {
    expect(publishConfigHasFeed('provider: generic\nurl: https://updates.example/eimza\n')).toBe(
      true,
    );
    expect(publishConfigHasFeed("provider: generic\nurl: 'https://u.example/'\n")).toBe(true);
  });

  it('sees no feed when the variable was unset at build time, or no file', () => {
    expect(publishConfigHasFeed('provider: generic\nurl: \n')).toBe(false);
    expect(publishConfigHasFeed('provider: generic\nurl: undefined\n')).toBe(false);
    expect(publishConfigHasFeed(undefined)).toBe(false);
  });
});
