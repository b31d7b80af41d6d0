import { describe, expect, it } from 'vitest';
import { canSign, maskTckn, validity } from './certificate.js';

const day = 24 * 60 * 60 * 1000;

describe('maskTckn', () => {
  it('keeps the first three and last two digits', () => {
    expect(maskTckn('10000000146')).toBe('100******46');
    expect(maskTckn('123')).toBe('***');
  });
});

describe('validity', () => {
  const now = new Date('2026-01-10T12:00:00Z');
  const cert = (fromDays: number, toDays: number) => ({
    notBefore: new Date(now.getTime() + fromDays * day),
    notAfter: new Date(now.getTime() + toDays * day),
  });

  it('warns at 30 and 7 days and marks expired and not-yet-valid certificates', () => {
    expect(validity(cert(-100, 400), now)).toEqual({ status: 'valid', daysLeft: 400 });
    expect(validity(cert(-100, 29.5), now).status).toBe('expires30');
    expect(validity(cert(-100, 30), now).status).toBe('valid');
    expect(validity(cert(-100, 6.5), now).status).toBe('expires7');
    expect(validity(cert(-100, -1), now).status).toBe('expired');
    expect(validity(cert(1, 100), now).status).toBe('notYetValid');
  });
});

describe('canSign', () => {
  it('needs a private key and a signing key usage', () => {
    expect(canSign({ hasPrivateKey: true, keyUsage: ['nonRepudiation'] })).toBe(true);
    expect(canSign({ hasPrivateKey: false, keyUsage: ['digitalSignature'] })).toBe(false);
    expect(canSign({ hasPrivateKey: true, keyUsage: ['keyEncipherment'] })).toBe(false);
  });
});
