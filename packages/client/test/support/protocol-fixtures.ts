import { luhnCheckDigit, type Challenge, type Report, type Signer } from '@eimza/protocol';

/** A well-formed verification code: 14 digits and their Luhn check digit. */
export function verificationCode(prefix14: string): string {
  return prefix14 + String(luhnCheckDigit(prefix14));
}

export const CODE = verificationCode('31182727218864');

export function challengeBody(overrides: Partial<Challenge> = {}): Challenge {
  const created = new Date();
  return {
    service: { name: 'Test Portalı', origin: 'https://portal.test' },
    purpose: 'login',
    texts: [
      {
        id: 't1',
        title: 'İmzalanacak Metin 1',
        content: `Kullanıcı servislerine elektronik imzalı olarak girme işlemini onaylıyorum. Kod: ${CODE}`,
      },
    ],
    createdAt: created.toISOString(),
    expiresAt: new Date(created.getTime() + 285_000).toISOString(),
    secondsLeft: 285,
    ...overrides,
  };
}

export const SIGNER: Signer = {
  tckn: '10000000146',
  name: 'AHMET YILMAZ',
  certificateSerial: '01',
  issuer: 'CN=Test NES CA',
  notBefore: '2025-01-01T00:00:00Z',
  notAfter: '2027-01-01T00:00:00Z',
  keyAlgorithm: 'RSA-2048',
};

export function reportBody(passed: boolean): Report {
  return passed
    ? {
        indication: 'TOTAL_PASSED',
        checks: [{ name: 'format', passed: true, detail: 'ok' }],
        signer: SIGNER,
        chain: [],
      }
    : {
        indication: 'TOTAL_FAILED',
        subIndication: 'HASH_FAILURE',
        checks: [{ name: 'digest', passed: false, detail: 'message-digest differs' }],
        chain: [],
      };
}
