import { describe, expect, it } from 'vitest';
import {
  groupVerificationCode,
  isValidTckn,
  isValidVerificationCode,
  luhnCheckDigit,
  maskTckn,
  normaliseTckn,
  normaliseVerificationCode,
} from '../src/index.js';

describe('verification codes', () => {
  it('computes the Luhn digit of the textbook example', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3);
  });

  it('accepts a code whose last digit is its Luhn digit and refuses every other last digit', () => {
    const body = '31182727218864';
    const check = luhnCheckDigit(body);
    expect(isValidVerificationCode(body + check)).toBe(true);
    for (let d = 0; d <= 9; d++) {
      if (d !== check) expect(isValidVerificationCode(body + d)).toBe(false);
    }
  });

  it('refuses codes of the wrong length or with non-digits', () => {
    expect(isValidVerificationCode('1234')).toBe(false);
    expect(isValidVerificationCode('3118272721886480')).toBe(false);
    expect(isValidVerificationCode('31182727218864a')).toBe(false);
  });

  it('catches every single-digit typo', () => {
    const body = '12345678901234';
    const code = body + luhnCheckDigit(body);
    for (let i = 0; i < 15; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === code[i]) continue;
        const typo = code.slice(0, i) + d + code.slice(i + 1);
        expect(isValidVerificationCode(typo)).toBe(false);
      }
    }
  });

  it('normalises pasted codes and groups them for reading', () => {
    expect(normaliseVerificationCode(' 311-827 272.188 648 ')).toBe('311827272188648');
    expect(groupVerificationCode('311827272188648')).toBe('311 827 272 188 648');
  });
});

describe('T.C. Kimlik No', () => {
  it.each(['10000000146', '12345678950', '98765432150'])(
    'accepts the valid test number %s',
    (t) => {
      expect(isValidTckn(t)).toBe(true);
    },
  );

  it.each(['10000000147', '12345678951', '02345678950', '1234567895', 'abcdefghijk'])(
    'refuses %s',
    (t) => {
      expect(isValidTckn(t)).toBe(false);
    },
  );

  it('normalises serialNumber prefixes', () => {
    expect(normaliseTckn('10000000146')).toBe('10000000146');
    expect(normaliseTckn('TCKN10000000146')).toBe('10000000146');
    expect(normaliseTckn('IDCTR-12345678950')).toBe('12345678950');
    expect(normaliseTckn('PNOTR-98765432150')).toBe('98765432150');
    expect(normaliseTckn('not a number')).toBeUndefined();
  });

  it('masks all but the first three and last two digits', () => {
    expect(maskTckn('10000000146')).toBe('100******46');
  });
});
