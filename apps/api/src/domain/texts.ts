import type { ChallengeText, Purpose } from '@eimza/protocol';

export interface ServiceIdentity {
  readonly name: string;
  readonly origin: string;
}

/** The statement the signer makes, per purpose (Turkish: the words users know). */
export const STATEMENTS: Readonly<Record<Purpose, string>> = {
  login: 'Kullanıcı servislerine elektronik imzalı olarak girme işlemini onaylıyorum.',
  'e-onay-accept':
    'E-Onay koşullarını okudum ve kabul ediyorum. Bundan sonraki nitelikli elektronik sertifika ' +
    'başvurularımın ıslak imzalı form yerine elektronik onayım ile yapılmasını onaylıyorum.',
  'e-onay-cancel':
    'Verdiğim E-Onay’ı iptal ediyorum. Bundan sonraki nitelikli elektronik sertifika başvurularımda ' +
    'elektronik onayım kullanılmayacaktır.',
  application:
    'Sertifika başvuru formundaki bilgilerin doğru olduğunu beyan eder, sertifika sahibi ' +
    'taahhütnamesini okuduğumu ve kabul ettiğimi onaylıyorum.',
};

const TITLES: Readonly<Record<Purpose, string>> = {
  login: 'E-imzalı Giriş',
  'e-onay-accept': 'E-Onay Verme',
  'e-onay-cancel': 'E-Onay İptali',
  application: 'E-imzalı Başvuru',
};

/** Form fields must not be able to forge lines of the text around them. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function formProblem(form: Record<string, string>): string | undefined {
  const entries = Object.entries(form);
  if (entries.length === 0) return 'form must have at least one field';
  if (entries.length > 64) return 'form has more than 64 fields';
  for (const [key, value] of entries) {
    if (key.trim() === '' || CONTROL.test(key))
      return 'form field names must be non-empty single-line text';
    if (CONTROL.test(value)) return `form field "${key}" must be single-line text`;
  }
  return undefined;
}

export interface TextInput {
  readonly service: ServiceIdentity;
  readonly purpose: Purpose;
  readonly code: string;
  readonly createdAt: Date;
  readonly form?: Record<string, string> | null;
}

function header(input: TextInput): string[] {
  return [
    `Hizmet: ${input.service.name}`,
    `Adres: ${input.service.origin}`,
    `İşlem: ${TITLES[input.purpose]}`,
  ];
}

function footer(input: TextInput): string[] {
  return [`Doğrulama Kodu: ${input.code}`, `Oluşturma Tarihi: ${input.createdAt.toISOString()}`];
}

/**
 * The texts offered for signing. Each binds the service, its origin, the verification code and the
 * creation time, so a signature cannot be replayed for another session or service.
 */
export function buildTexts(input: TextInput): ChallengeText[] {
  const text = (id: string, body: string[]): ChallengeText => ({
    id,
    title: `İmzalanacak Metin ${id.slice(1)}`,
    content: [...header(input), ...body, ...footer(input)].join('\n'),
  });
  if (input.purpose !== 'application') return [text('t1', [STATEMENTS[input.purpose]])];
  const fields = Object.entries(input.form ?? {}).map(([k, v]) => `${k}: ${v}`);
  return [
    text('t1', ['Başvuru Formu:', ...fields]),
    text('t2', ['Sertifika Sahibi Taahhütnamesi:', STATEMENTS.application]),
  ];
}
