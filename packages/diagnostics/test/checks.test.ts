import type { CertificateInfo, PinState, TokenInfo } from '@eimza/token';
import { describe, expect, it } from 'vitest';
import { certificateChecks, moduleChecks, pinStatus, tokenChecks } from '../src/index.js';

// The pure checks over what the token layer reports; the SoftHSM2-backed run is in the desktop app's tests.
const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2026-06-01T12:00:00Z');
const pin = (flags: Partial<PinState> = {}): PinState => ({
  initialized: true,
  countLow: false,
  finalTry: false,
  locked: false,
  toBeChanged: false,
  ...flags,
});

function token(label: string, userPin: PinState): TokenInfo {
  return {
    moduleName: 'softhsm2',
    modulePath: '/usr/lib/softhsm/libsofthsm2.so',
    slotId: '1',
    slotDescription: 'slot',
    label,
    serial: `S-${label}`,
    manufacturer: 'SoftHSM project',
    model: 'SoftHSM v2',
    pinPad: false,
    loginRequired: true,
    userPin,
    soPin: pin(),
    minPinLength: 4,
    maxPinLength: 255,
  };
}

function certificate(name: string, fromDays: number, toDays: number, nonRepudiation = true) {
  return {
    id: `S:${name}`,
    tokenSerial: 'S',
    tokenLabel: 'T',
    moduleName: 'softhsm2',
    ckaId: '01',
    label: name,
    der: new Uint8Array([0x30, 0x00]),
    subject: `CN=${name}`,
    commonName: name,
    tckn: '10000000146',
    issuer: 'CN=Test CA',
    serialNumberHex: '01',
    notBefore: new Date(now.getTime() + fromDays * DAY),
    notAfter: new Date(now.getTime() + toDays * DAY),
    keyUsage: nonRepudiation ? ['nonRepudiation'] : ['keyEncipherment'],
    nonRepudiation,
    keyAlgorithm: { name: 'RSA', bits: 2048 },
    hasPrivateKey: true,
    fingerprintSha256: '00',
  } satisfies CertificateInfo;
}

describe('pinStatus', () => {
  it('names the worst flag first', () => {
    expect(pinStatus(pin())).toBe('ok');
    expect(pinStatus(pin({ countLow: true }))).toBe('countLow');
    expect(pinStatus(pin({ countLow: true, finalTry: true }))).toBe('finalTry');
    expect(pinStatus(pin({ finalTry: true, locked: true }))).toBe('locked');
    expect(pinStatus(pin({ initialized: false }))).toBe('notInitialized');
    expect(pinStatus(pin({ toBeChanged: true }))).toBe('toBeChanged');
  });
});

describe('tokenChecks', () => {
  it('OK for a healthy PIN, WARN with a hint after wrong tries, FAIL when locked', () => {
    const checks = tokenChecks(
      [
        token('A', pin()),
        token('B', pin({ countLow: true })),
        token('C', pin({ finalTry: true })),
        token('D', pin({ locked: true })),
      ],
      true,
    );
    expect(checks.map((c) => [c.params.label, c.status, c.params.pin, c.hint])).toEqual([
      ['A', 'OK', 'ok', undefined],
      ['B', 'WARN', 'countLow', 'doctor.hints.pinLow'],
      ['C', 'WARN', 'finalTry', 'doctor.hints.pinLow'],
      ['D', 'FAIL', 'locked', 'doctor.hints.pinLocked'],
    ]);
  });

  it('a loaded module without tokens FAILs; no module loaded leaves it to the module check', () => {
    expect(tokenChecks([], true)).toMatchObject([{ status: 'FAIL', key: 'doctor.noTokens' }]);
    expect(tokenChecks([], false)).toEqual([]);
  });
});

describe('certificateChecks', () => {
  it('judges signing certificates only, with the masked TCKN and days left', () => {
    const checks = certificateChecks(
      [
        certificate('VALID', -10, 400),
        certificate('SOON', -10, 20),
        certificate('GONE', -400, -2),
        certificate('LATER', 3, 400),
        certificate('ENCRYPTION', -400, -2, false),
      ],
      now,
    );
    expect(checks.map((c) => [c.params.name, c.status, c.key])).toEqual([
      ['VALID', 'OK', 'doctor.cert.valid'],
      ['SOON', 'WARN', 'doctor.cert.expiresSoon'],
      ['GONE', 'FAIL', 'doctor.cert.expired'],
      ['LATER', 'FAIL', 'doctor.cert.notYetValid'],
    ]);
    expect(checks[0]!.params).toMatchObject({ tckn: '100******46', days: 400 });
    expect(checks[1]!.hint).toBe('doctor.hints.renew');
  });
});

describe('moduleChecks', () => {
  it('a module file that will not load FAILs; missing files are counted; none loaded FAILs', () => {
    const checks = moduleChecks([
      { name: 'bash', path: '/bin/bash', source: 'option', loaded: false, error: 'not PKCS#11' },
      { name: 'akisp11', path: '/nonexistent/libakisp11.so', source: 'cards.json', loaded: false },
    ]);
    expect(checks.map((c) => [c.status, c.key])).toEqual([
      ['FAIL', 'doctor.moduleFailed'],
      ['OK', 'doctor.modulesAbsent'],
      ['FAIL', 'doctor.noModule'],
    ]);
    expect(checks[0]!.params.error).toBe('not PKCS#11');
  });
});
