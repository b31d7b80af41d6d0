import { randomInt } from 'node:crypto';
import { luhnCheckDigit } from '@eimza/protocol';

/** 14 digits from the CSPRNG and a Luhn check digit: the 15-digit Doğrulama Kodu. */
export function drawVerificationCode(): string {
  let digits = '';
  for (let i = 0; i < 14; i++) digits += String(randomInt(10));
  return digits + String(luhnCheckDigit(digits));
}
