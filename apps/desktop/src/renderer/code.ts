import { isValidVerificationCode } from '@eimza/protocol';

export type CodeProblem = 'length' | 'digits' | 'checksum';

/** Why typed digits cannot be a verification code yet; undefined when they pass the Luhn check. */
export function codeProblem(digits: string): CodeProblem | undefined {
  if (/[^0-9]/.test(digits)) return 'digits';
  if (digits.length !== 15) return 'length';
  return isValidVerificationCode(digits) ? undefined : 'checksum';
}
