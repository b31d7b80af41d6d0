import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MESSAGES } from '@eimza/client';
import {
  DesktopError,
  SETTINGS_FILE,
  checkOrigin,
  commonNameOf,
  createDesktopLogger,
  defaultSettings,
  desktopMessage,
  expiryOf,
  findDeepLink,
  isTrustedSender,
  normaliseOrigin,
  openSettingsStore,
  originForSigning,
  parseDeepLink,
  toIpcError,
  LOG_FILE,
} from '../../src/services/index.js';
import type { DesktopErrorCode } from '../../src/shared/ipc.js';

const CODE = '311827272188640';
const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eimza-desktop-pure-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof DesktopError ? error.code : 'not a DesktopError';
  }
}

describe('deep links', () => {
  it('reads the code paste-tolerantly and the API as an origin', () => {
    expect(
      parseDeepLink(`eimza://sign?code=311-827 272-188640&api=https://imza.example.gov.tr/`),
    ).toEqual({
      code: CODE,
      apiOrigin: 'https://imza.example.gov.tr',
    });
    expect(parseDeepLink(`EIMZA://SIGN?code=${CODE}&api=http%3A%2F%2F127.0.0.1%3A8080`)).toEqual({
      code: CODE,
      apiOrigin: 'http://127.0.0.1:8080',
    });
    expect(parseDeepLink(`eimza:sign?code=${CODE}&api=https://a.example:8443`).apiOrigin).toBe(
      'https://a.example:8443',
    );
  });

  it('refuses malformed codes, bad or insecure origins, and other links', () => {
    const cases: Array<[string, DesktopErrorCode]> = [
      [`eimza://sign?code=311827272188641&api=https://a.example`, 'MALFORMED_CODE'],
      [`eimza://sign?code=12&api=https://a.example`, 'MALFORMED_CODE'],
      [`eimza://sign?api=https://a.example`, 'MALFORMED_CODE'],
      [`eimza://sign?code=${CODE}`, 'ORIGIN_INVALID'],
      [`eimza://sign?code=${CODE}&api=http://a.example`, 'ORIGIN_INVALID'],
      [`eimza://sign?code=${CODE}&api=https://a.example/x?y=1`, 'ORIGIN_INVALID'],
      [`eimza://sign?code=${CODE}&api=javascript:alert(1)`, 'ORIGIN_INVALID'],
      [`eimza://verify?code=${CODE}&api=https://a.example`, 'INVALID_REQUEST'],
      [`https://sign?code=${CODE}&api=https://a.example`, 'INVALID_REQUEST'],
      ['not a link', 'INVALID_REQUEST'],
    ];
    for (const [link, code] of cases)
      expect(
        codeOf(() => parseDeepLink(link)),
        link,
      ).toBe(code);
  });

  it('is found among process arguments', () => {
    const link = `eimza://sign?code=${CODE}&api=https://a.example`;
    expect(findDeepLink(['/opt/eimza/eimza', '--no-sandbox', link])).toBe(link);
    expect(findDeepLink(['/opt/eimza/eimza', '--flag'])).toBeUndefined();
  });
});

describe('origin policy', () => {
  it('normalises to scheme://host[:port]', () => {
    expect(normaliseOrigin('HTTPS://Imza.Example.GOV.TR:443/')).toBe('https://imza.example.gov.tr');
    expect(normaliseOrigin(' http://[::1]:8080 ')).toBe('http://[::1]:8080');
    for (const bad of [
      'imza.example',
      'ftp://a.example',
      'https://u:p@a.example',
      'https://a.example/api',
    ]) {
      expect(
        codeOf(() => normaliseOrigin(bad)),
        bad,
      ).toBe('ORIGIN_INVALID');
    }
  });

  it('secure means https, or http to the loopback address only', () => {
    const allowed = ['https://imza.example.gov.tr'];
    expect(checkOrigin('https://imza.example.gov.tr', allowed)).toEqual({
      origin: 'https://imza.example.gov.tr',
      allowed: true,
      secure: true,
    });
    for (const loopback of ['http://127.0.0.1:8080', 'http://localhost', 'http://[::1]:1']) {
      expect(checkOrigin(loopback, allowed)).toMatchObject({ allowed: false, secure: true });
    }
    expect(checkOrigin('http://imza.example.gov.tr', allowed)).toMatchObject({ secure: false });
    expect(checkOrigin('http://127.0.0.2', allowed)).toMatchObject({ secure: false });
  });

  it('signing needs the list or a confirmation; insecure is refused even when confirmed', () => {
    const allowed = ['https://imza.example.gov.tr'];
    expect(originForSigning('https://imza.example.gov.tr/', allowed, false)).toBe(
      'https://imza.example.gov.tr',
    );
    expect(codeOf(() => originForSigning('https://other.example', allowed, false))).toBe(
      'ORIGIN_NOT_ALLOWED',
    );
    expect(originForSigning('https://other.example', allowed, true)).toBe('https://other.example');
    expect(codeOf(() => originForSigning('http://other.example', allowed, true))).toBe(
      'ORIGIN_INVALID',
    );
  });
});

describe('isTrustedSender', () => {
  it('trusts the app’s own scheme (and host when named), nothing else', () => {
    const app = { scheme: 'app', host: 'eimza' };
    expect(isTrustedSender('app://eimza/index.html', app)).toBe(true);
    expect(isTrustedSender('APP://EIMZA/screens#pin', app)).toBe(true);
    expect(isTrustedSender('app://evil/index.html', app)).toBe(false);
    expect(isTrustedSender('https://eimza/index.html', app)).toBe(false);
    expect(isTrustedSender('app://user:pw@eimza/', app)).toBe(false);
    expect(isTrustedSender('', app)).toBe(false);
    expect(isTrustedSender('about:blank', app)).toBe(false);

    const file = { scheme: 'file:' };
    expect(isTrustedSender('file:///opt/eimza/resources/app/index.html', file)).toBe(true);
    expect(isTrustedSender('file://fileserver/share/index.html', file)).toBe(false);
    expect(isTrustedSender('http://127.0.0.1/index.html', file)).toBe(false);
    expect(
      isTrustedSender('http://localhost:5173/', { scheme: 'http', host: 'localhost:5173' }),
    ).toBe(true);
    expect(
      isTrustedSender('http://localhost:5174/', { scheme: 'http', host: 'localhost:5173' }),
    ).toBe(false);
  });
});

describe('views', () => {
  it('issuer common name and expiry status', () => {
    expect(
      commonNameOf('CN=Test Nitelikli Elektronik Sertifika Hizmet Sağlayıcısı, O=Test, C=TR'),
    ).toBe('Test Nitelikli Elektronik Sertifika Hizmet Sağlayıcısı');
    expect(commonNameOf('C=TR, O=Kamu SM, CN=Kamu SM SSL Kök\\, Sürüm 1')).toBe(
      'Kamu SM SSL Kök, Sürüm 1',
    );
    expect(commonNameOf('O=No Common Name')).toBe('O=No Common Name');
    const now = new Date('2026-01-01T00:00:00Z');
    const day = 86_400_000;
    const at = (days: number) => new Date(now.getTime() + days * day);
    expect(expiryOf(at(-10), at(31), now)).toEqual({ expiry: 'valid', daysLeft: 31 });
    expect(expiryOf(at(-10), at(30), now)).toEqual({ expiry: 'expiring-soon', daysLeft: 30 });
    expect(expiryOf(at(-10), at(-1), now)).toEqual({ expiry: 'expired', daysLeft: -1 });
    expect(expiryOf(at(1), at(100), now)).toMatchObject({ expiry: 'not-yet-valid' });
  });
});

describe('messages', () => {
  it('every code has Turkish and English text; PIN_LEN_RANGE names the limits', () => {
    const own: DesktopErrorCode[] = [
      'INVALID_REQUEST',
      'FORBIDDEN_SENDER',
      'ORIGIN_NOT_ALLOWED',
      'ORIGIN_INVALID',
      'PIN_LEN_RANGE',
      'PIN_INVALID',
      'PIN_MISMATCH',
      'PUK_INCORRECT',
      'PUK_LOCKED',
      'MODULE_NOT_FOUND',
      'SETTINGS_INVALID',
      'BUNDLE_FAILED',
      'INTERNAL',
    ];
    for (const code of [...own, ...(Object.keys(MESSAGES) as DesktopErrorCode[])]) {
      const tr = desktopMessage(code, 'tr');
      const en = desktopMessage(code, 'en');
      expect(tr.length, code).toBeGreaterThan(5);
      expect(en.length, code).toBeGreaterThan(5);
    }
    expect(desktopMessage('PIN_LEN_RANGE', 'tr', { min: 4, max: 8 })).toBe(
      'PIN 4 ile 8 karakter arasında olmalı.',
    );
    expect(toIpcError(new Error('secret 4711 inside'), 'en')).toEqual({
      code: 'INTERNAL',
      message: 'The app had an unexpected error.',
    });
  });
});

describe('settings store', () => {
  const silent = pino({ level: 'silent' });

  it('defaults come from the environment', () => {
    expect(defaultSettings({ LANG: 'en_GB.UTF-8' })).toEqual({
      language: 'en',
      modulePaths: [],
      defaultApiOrigin: 'http://127.0.0.1:8080',
      allowedOrigins: ['http://127.0.0.1:8080'],
    });
    expect(
      defaultSettings({ LANG: 'tr_TR.UTF-8', EIMZA_API_URL: 'https://IMZA.example/' }),
    ).toMatchObject({
      language: 'tr',
      defaultApiOrigin: 'https://imza.example',
      allowedOrigins: ['https://imza.example'],
    });
    expect(defaultSettings({}).language).toBe('tr');
  });

  it('persists across opens, atomically (no temporary file left), and validates changes', () => {
    const stateDir = temp();
    const store = openSettingsStore({ stateDir, env: {}, logger: silent });
    const saved = store.update({
      language: 'en',
      modulePaths: ['/usr/lib/akis/libakisp11.so'],
      allowedOrigins: ['https://Imza.Example/', 'http://127.0.0.1:8080'],
    });
    expect(saved.allowedOrigins).toEqual(['https://imza.example', 'http://127.0.0.1:8080']);
    expect(openSettingsStore({ stateDir, env: {}, logger: silent }).get()).toEqual(saved);
    expect(readFileSync(join(stateDir, SETTINGS_FILE), 'utf8')).toContain('libakisp11');
    expect(existsSync(join(stateDir, `${SETTINGS_FILE}.${process.pid}.tmp`))).toBe(false);
    for (const change of [
      { modulePaths: ['lib.so'] },
      { allowedOrigins: ['http://imza.example'] },
      { allowedOrigins: ['imza.example'] },
      { defaultApiOrigin: 'ftp://a.example' },
    ]) {
      expect(
        codeOf(() => store.update(change)),
        JSON.stringify(change),
      ).toBe('SETTINGS_INVALID');
    }
    expect(store.get()).toEqual(saved);
  });

  it('a corrupt or invalid file: defaults, the bad file kept as .bad, the log says so', () => {
    for (const content of [
      '{ not json',
      JSON.stringify({ language: 'de' }),
      JSON.stringify({
        language: 'tr',
        modulePaths: ['relative'],
        allowedOrigins: [],
        defaultApiOrigin: 'https://a.example',
      }),
    ]) {
      const stateDir = temp();
      writeFileSync(join(stateDir, SETTINGS_FILE), content);
      const logger = createDesktopLogger(stateDir);
      const store = openSettingsStore({ stateDir, env: { LANG: 'en_US' }, logger });
      logger.flush();
      expect(store.get()).toEqual(defaultSettings({ LANG: 'en_US' }));
      expect(readFileSync(join(stateDir, `${SETTINGS_FILE}.bad`), 'utf8')).toBe(content);
      expect(existsSync(join(stateDir, SETTINGS_FILE))).toBe(false);
      expect(readFileSync(join(stateDir, LOG_FILE), 'utf8')).toContain('settings file unusable');
    }
  });

  it('the log redacts PIN/PUK-named fields wherever a request object ends up', () => {
    const stateDir = temp();
    const logger = createDesktopLogger(stateDir);
    logger.info(
      {
        pin: 'Sakli-1',
        request: { oldPin: 'Sakli-2', newPuk: 'Sakli-3' },
        a: { b: { puk: 'Sakli-4' } },
      },
      'x',
    );
    logger.flush();
    const log = readFileSync(join(stateDir, LOG_FILE), 'utf8');
    expect(log).toContain('[redacted]');
    expect(log).not.toContain('Sakli');
  });
});
