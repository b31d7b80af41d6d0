/**
 * T.C. Kimlik No (Turkish national ID) checksum rules: 11 digits, first not 0,
 * d10 = ((d1+d3+d5+d7+d9)*7 - (d2+d4+d6+d8)) mod 10, d11 = (d1+...+d10) mod 10.
 */

/** Valid test numbers used across the project's tests and demo tokens. */
export const TEST_TCKNS = ['10000000146', '12345678950', '98765432150'] as const;

function checkDigits(first9: number[]): [number, number] {
  const [d1, d2, d3, d4, d5, d6, d7, d8, d9] = first9 as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const d10 = ((((d1 + d3 + d5 + d7 + d9) * 7 - (d2 + d4 + d6 + d8)) % 10) + 10) % 10;
  const d11 = (first9.reduce((sum, d) => sum + d, 0) + d10) % 10;
  return [d10, d11];
}

export function isValidTckn(value: string): boolean {
  if (!/^[1-9][0-9]{10}$/.test(value)) return false;
  const digits = [...value].map(Number);
  const [d10, d11] = checkDigits(digits.slice(0, 9));
  return digits[9] === d10 && digits[10] === d11;
}

/** Completes a 9-digit prefix (first digit not 0) with its two check digits. */
export function tcknWithChecksum(prefix9: string): string {
  if (!/^[1-9][0-9]{8}$/.test(prefix9)) {
    throw new Error('TCKN prefix must be 9 digits and must not start with 0');
  }
  const [d10, d11] = checkDigits([...prefix9].map(Number));
  return `${prefix9}${d10}${d11}`;
}
