import { isValidVerificationCode, luhnCheckDigit } from '@eimza/protocol';
import { describe, expect, it } from 'vitest';
import { bearerToken, browserTokenMatches, newBrowserToken } from '../src/domain/browser-token.js';
import { encapsulatesContent } from '../src/domain/cms-probe.js';
import { buildTexts, formProblem, STATEMENTS } from '../src/domain/texts.js';
import { drawVerificationCode } from '../src/domain/verification-code.js';
import { redactUrl } from '../src/plugins/logging.js';
import { ConfigError, loadConfig } from '../src/plugins/config.js';
import { loadTrustStore } from '../src/validation.js';

describe('verification codes', () => {
  it('are 15 digits with a Luhn check digit, and spread over every digit', () => {
    const codes = Array.from({ length: 5_000 }, drawVerificationCode);
    for (const code of codes) {
      expect(code).toMatch(/^[0-9]{15}$/);
      expect(isValidVerificationCode(code)).toBe(true);
      expect(Number(code[14])).toBe(luhnCheckDigit(code.slice(0, 14)));
    }
    expect(new Set(codes).size).toBe(codes.length);
    const counts = new Array(10).fill(0);
    for (const code of codes) for (const d of code.slice(0, 14)) counts[Number(d)]++;
    // 70 000 digits: each should be near 7 000; a biased generator lands far outside.
    for (const c of counts) expect(Math.abs(c - 7_000)).toBeLessThan(500);
  });
});

describe('browser tokens', () => {
  it('match only themselves, through the stored hash', () => {
    const { token, hash } = newBrowserToken();
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(token);
    expect(browserTokenMatches(token, hash)).toBe(true);
    expect(browserTokenMatches(`${token}x`, hash)).toBe(false);
    expect(browserTokenMatches(newBrowserToken().token, hash)).toBe(false);
  });

  it('are read from a Bearer header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('texts to sign', () => {
  const service = { name: 'NES Bireysel (test)', origin: 'https://nes.test' };
  const createdAt = new Date('2026-11-25T04:00:00.000Z');

  it('bind service, origin, statement, code and creation time, one text per statement', () => {
    const titles = {
      login: 'E-imzalı Giriş',
      'e-onay-accept': 'E-Onay Verme',
      'e-onay-cancel': 'E-Onay İptali',
    } as const;
    for (const purpose of ['login', 'e-onay-accept', 'e-onay-cancel'] as const) {
      const texts = buildTexts({ service, purpose, code: '311827272188648', createdAt });
      expect(texts).toHaveLength(1);
      expect(texts[0]!.content.split('\n')).toEqual([
        'Hizmet: NES Bireysel (test)',
        'Adres: https://nes.test',
        `İşlem: ${titles[purpose]}`,
        STATEMENTS[purpose],
        'Doğrulama Kodu: 311827272188648',
        'Oluşturma Tarihi: 2026-11-25T04:00:00.000Z',
      ]);
    }
    expect(STATEMENTS.login).toBe(
      'Kullanıcı servislerine elektronik imzalı olarak girme işlemini onaylıyorum.',
    );
  });

  it('puts the application form in the first text and the undertaking in the second', () => {
    const texts = buildTexts({
      service,
      purpose: 'application',
      code: '311827272188648',
      createdAt,
      form: { İl: 'Ankara', Ünvan: 'Öğretmen' },
    });
    expect(texts.map((t) => t.title)).toEqual(['İmzalanacak Metin 1', 'İmzalanacak Metin 2']);
    expect(texts[0]!.content).toContain('İl: Ankara\nÜnvan: Öğretmen');
    expect(texts[1]!.content).toContain(STATEMENTS.application);
    for (const t of texts) expect(t.content).toContain('311827272188648');
  });

  it('refuses form fields that could forge lines of the text', () => {
    expect(formProblem({ ad: 'Ahmet' })).toBeUndefined();
    expect(formProblem({})).toMatch(/at least one/);
    expect(formProblem({ ad: 'a\nDoğrulama Kodu: 1' })).toMatch(/single-line/);
    expect(formProblem({ 'a\rb': 'x' })).toMatch(/single-line/);
    expect(formProblem({ ad: 'a\u2028b' })).toMatch(/single-line/);
  });
});

describe('CMS probe', () => {
  it('tells attached from detached SignedData and gives up on anything else', () => {
    // ContentInfo { signedData, [0] { SignedData { 1, {}, { data [, [0] { OCTET STRING "hi" }] } } } }
    const build = (withContent: boolean) => {
      const data = Buffer.from('06092a864886f70d010701', 'hex');
      const econtent = withContent ? Buffer.from('a0040402' + '6869', 'hex') : Buffer.alloc(0);
      const encap = Buffer.concat([
        Buffer.from([0x30, data.length + econtent.length]),
        data,
        econtent,
      ]);
      const body = Buffer.concat([Buffer.from('020101', 'hex'), Buffer.from('3100', 'hex'), encap]);
      const sd = Buffer.concat([Buffer.from([0x30, body.length]), body]);
      const explicit = Buffer.concat([Buffer.from([0xa0, sd.length]), sd]);
      const type = Buffer.from('06092a864886f70d010702', 'hex');
      return new Uint8Array(
        Buffer.concat([Buffer.from([0x30, type.length + explicit.length]), type, explicit]),
      );
    };
    expect(encapsulatesContent(build(true))).toBe(true);
    expect(encapsulatesContent(build(false))).toBe(false);
    expect(encapsulatesContent(new Uint8Array([0x30, 0x80, 1]))).toBeUndefined();
    expect(encapsulatesContent(new Uint8Array())).toBeUndefined();
  });
});

describe('logging', () => {
  it('redacts browser tokens from URLs', () => {
    expect(redactUrl('/api/v1/sessions/x/events?token=secret&a=1')).toBe(
      '/api/v1/sessions/x/events?token=[REDACTED]&a=1',
    );
    expect(redactUrl('/a?b=1&token=secret')).toBe('/a?b=1&token=[REDACTED]');
  });
});

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({ EIMZA_STATE_DIR: '/tmp/eimza-state' });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      database: { kind: 'sqlite', path: '/tmp/eimza-state/api.sqlite' },
      sessionTtlSeconds: 285,
      service: { name: 'NES Bireysel (test)', origin: 'http://127.0.0.1:8080' },
      revocation: 'require',
      trustAnchors: [],
    });
  });

  it('reads PostgreSQL, lists and modes from the environment', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@db/eimza',
      EIMZA_SESSION_TTL: '120',
      EIMZA_TRUST_ANCHORS: '/a.pem:/b',
      EIMZA_REVOCATION: 'soft',
      EIMZA_REQUIRED_POLICIES: '2.16.792.1.2.1.1.5.7.1.9, 0.4.0.194112.1.2',
      EIMZA_RATE_LIMIT_SESSIONS: '5',
    });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u@db/eimza' });
    expect(config.sessionTtlSeconds).toBe(120);
    expect(config.trustAnchors).toEqual(['/a.pem', '/b']);
    expect(config.revocation).toBe('soft-fail');
    expect(config.requiredPolicies).toEqual(['2.16.792.1.2.1.1.5.7.1.9', '0.4.0.194112.1.2']);
    expect(config.rateLimits.sessions.max).toBe(5);
  });

  it('refuses bad values with a clear message', () => {
    expect(() => loadConfig({ PORT: 'x' })).toThrow(ConfigError);
    expect(() => loadConfig({ EIMZA_SESSION_TTL: '0' })).toThrow(/EIMZA_SESSION_TTL/);
    expect(() => loadConfig({ EIMZA_REVOCATION: 'maybe' })).toThrow(/EIMZA_REVOCATION/);
    expect(() => loadConfig({ EIMZA_SERVICE_ORIGIN: 'not a url' })).toThrow(/ORIGIN/);
  });

  it('refuses trust paths that do not exist or hold no certificate', () => {
    expect(() =>
      loadTrustStore({ trustAnchors: ['/nonexistent/anchors.pem'], trustIntermediates: [] }),
    ).toThrow(/does not exist/);
    expect(() =>
      loadTrustStore({ trustAnchors: ['/proc/self/status'], trustIntermediates: [] }),
    ).toThrow();
  });
});
