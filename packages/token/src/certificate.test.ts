import { describe, expect, it } from 'vitest';
import { tcknFromSerialNumber } from './certificate.js';

describe('tcknFromSerialNumber', () => {
  it.each([
    ['10000000146', '10000000146'],
    ['TCKN10000000146', '10000000146'],
    ['IDCTR-10000000146', '10000000146'],
    ['PNOTR-12345678950', '12345678950'],
    [' 12345678950 ', '12345678950'],
  ])('reads %s as %s', (value, expected) => {
    expect(tcknFromSerialNumber(value)).toBe(expected);
  });

  it.each(['', '1234', '01234567890', 'ABC12345678901', '123456789012'])('rejects %j', (value) => {
    expect(tcknFromSerialNumber(value)).toBeUndefined();
  });
});
