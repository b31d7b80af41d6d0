/** Luhn check digit over a string of decimal digits (the verification code's last digit). */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** Strips what people paste around a code (spaces, dashes, dots) and returns the bare digits. */
export function normaliseVerificationCode(input: string): string {
  return input.replace(/[\s\-.]/g, '');
}

export function isValidVerificationCode(code: string): boolean {
  if (!/^[0-9]{15}$/.test(code)) return false;
  return luhnCheckDigit(code.slice(0, 14)) === Number(code[14]);
}

/** `311827272188648` → `311 827 272 188 648`: groups of three for reading aloud and copying. */
export function groupVerificationCode(code: string): string {
  return code.replace(/(\d{3})(?=\d)/g, '$1 ');
}

/** The two check digits of a T.C. Kimlik No from its first nine digits. */
function tcknCheckDigits(first9: readonly number[]): [number, number] {
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
  const tenth = ((((d1 + d3 + d5 + d7 + d9) * 7 - (d2 + d4 + d6 + d8)) % 10) + 10) % 10;
  const eleventh = (first9.reduce((sum, d) => sum + d, 0) + tenth) % 10;
  return [tenth, eleventh];
}

/** T.C. Kimlik No: 11 digits, no leading zero, two checksum digits. */
export function isValidTckn(tckn: string): boolean {
  if (!/^[1-9][0-9]{10}$/.test(tckn)) return false;
  const digits = [...tckn].map(Number);
  const [tenth, eleventh] = tcknCheckDigits(digits.slice(0, 9));
  return digits[9] === tenth && digits[10] === eleventh;
}

/** Completes a 9-digit prefix (first digit not 0) with its two check digits. */
export function tcknWithChecksum(prefix9: string): string {
  if (!/^[1-9][0-9]{8}$/.test(prefix9)) {
    throw new Error('TCKN prefix must be 9 digits and must not start with 0');
  }
  const [tenth, eleventh] = tcknCheckDigits([...prefix9].map(Number));
  return `${prefix9}${tenth}${eleventh}`;
}

/**
 * A certificate's subject serialNumber may carry the TCKN plain or with a prefix
 * (`TCKN12345678950`, `IDCTR-12345678950`, `PNOTR-…`); the API compares the bare number.
 */
export function normaliseTckn(serialNumber: string): string | undefined {
  const match = /^(?:[A-Z]{2,5}[-:]?)?([1-9][0-9]{10})$/.exec(serialNumber.trim().toUpperCase());
  return match?.[1];
}

/** `10000000146` → `100******46`: all but the first three and last two digits masked. */
export function maskTckn(tckn: string): string {
  return tckn.slice(0, 3) + '*'.repeat(Math.max(0, tckn.length - 5)) + tckn.slice(-2);
}
