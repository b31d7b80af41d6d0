import { describe, expect, it } from 'vitest';
import { TEST_TCKNS, isValidTckn, tcknWithChecksum } from '../src/index.js';

describe('T.C. Kimlik No checksum', () => {
  it('accepts the project test numbers', () => {
    for (const tckn of TEST_TCKNS) expect(isValidTckn(tckn)).toBe(true);
  });

  it('rejects wrong length, a leading zero, non-digits and wrong check digits', () => {
    expect(isValidTckn('1000000014')).toBe(false);
    expect(isValidTckn('100000001460')).toBe(false);
    expect(isValidTckn('01234567890')).toBe(false);
    expect(isValidTckn('1000000014a')).toBe(false);
    expect(isValidTckn('10000000156')).toBe(false);
    expect(isValidTckn('10000000147')).toBe(false);
    expect(isValidTckn('12345678951')).toBe(false);
  });

  it('completes prefixes to the known numbers and to valid ones in general', () => {
    expect(tcknWithChecksum('100000001')).toBe('10000000146');
    expect(tcknWithChecksum('123456789')).toBe('12345678950');
    expect(tcknWithChecksum('987654321')).toBe('98765432150');
    for (let i = 0; i < 200; i++) {
      const prefix = String(100_000_000 + Math.floor(Math.random() * 899_999_999));
      const tckn = tcknWithChecksum(prefix);
      expect(isValidTckn(tckn)).toBe(true);
      const flipped = `${tckn.slice(0, 10)}${(Number(tckn[10]) + 1) % 10}`;
      expect(isValidTckn(flipped)).toBe(false);
    }
  });

  it('refuses bad prefixes', () => {
    expect(() => tcknWithChecksum('012345678')).toThrow();
    expect(() => tcknWithChecksum('12345678')).toThrow();
  });
});
