import { isValidTckn } from '@eimza/protocol';

/** The renewal form ("Başvuru") as the page posts it. */
export interface ApplicationInput {
  readonly tckn: string;
  readonly reason: string;
  readonly cardReader: string;
  readonly term: string;
  readonly securityWord: string;
  readonly securityWordRepeat: string;
  readonly institution: string;
  readonly unit: string;
  readonly title: string;
  readonly address: string;
  readonly province: string;
  readonly district: string;
  readonly postalCode: string;
  readonly email: string;
  readonly workPhone: string;
  readonly workPhoneExtension: string;
  readonly mobilePhone: string;
  readonly operator: string;
  readonly notification: string;
}

export const APPLICATION_FIELDS = [
  'tckn',
  'reason',
  'cardReader',
  'term',
  'securityWord',
  'securityWordRepeat',
  'institution',
  'unit',
  'title',
  'address',
  'province',
  'district',
  'postalCode',
  'email',
  'workPhone',
  'workPhoneExtension',
  'mobilePhone',
  'operator',
  'notification',
] as const satisfies readonly (keyof ApplicationInput)[];

export const CHOICES = {
  reason: ['Yenileme', 'Kayıp Çalıntı', 'Diğer'],
  cardReader: ['Akıllı kart okuyucu', 'Mini kart okuyucu (USB)', 'Okuyucum var, gerekmiyor'],
  term: ['1 yıl', '2 yıl', '3 yıl'],
  operator: ['Turkcell', 'Vodafone', 'Türk Telekom'],
  notification: ['E-posta', 'SMS', 'E-posta ve SMS'],
} as const;

const OPTIONAL: ReadonlySet<string> = new Set(['workPhoneExtension']);
const MAX_LENGTH = 200;
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export type FieldErrors = Partial<Record<keyof ApplicationInput, string>>;

/** Field → Turkish message for every problem; empty when the form is acceptable. */
export function applicationErrors(input: ApplicationInput, loggedInTckn: string): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of APPLICATION_FIELDS) {
    const value = input[field];
    if (value.trim() === '' && !OPTIONAL.has(field)) errors[field] = 'Bu alan zorunludur.';
    else if (value.length > MAX_LENGTH || CONTROL.test(value))
      errors[field] = `En çok ${MAX_LENGTH} karakterlik tek satır yazınız.`;
  }
  for (const [field, allowed] of Object.entries(CHOICES) as [
    keyof typeof CHOICES,
    readonly string[],
  ][]) {
    if (!errors[field] && !allowed.includes(input[field])) errors[field] = 'Listeden seçiniz.';
  }
  if (!errors.tckn && !isValidTckn(input.tckn))
    errors.tckn = 'Geçerli bir T.C. Kimlik No giriniz (11 hane).';
  else if (!errors.tckn && input.tckn !== loggedInTckn)
    errors.tckn = 'Başvuru yalnızca giriş yapan kişi adına yapılabilir.';
  if (!errors.securityWord && input.securityWord.trim().length < 4)
    errors.securityWord = 'Güvenlik kelimesi en az 4 karakter olmalıdır.';
  if (!errors.securityWordRepeat && input.securityWord !== input.securityWordRepeat)
    errors.securityWordRepeat = 'Güvenlik kelimeleri aynı değil.';
  if (!errors.postalCode && !/^[0-9]{5}$/.test(input.postalCode))
    errors.postalCode = 'Posta kodu 5 haneli olmalıdır.';
  if (!errors.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email))
    errors.email = 'Geçerli bir e-posta adresi giriniz.';
  if (!errors.workPhone && !/^0?[0-9]{10}$/.test(digits(input.workPhone)))
    errors.workPhone = 'İş telefonunu alan koduyla 10 hane giriniz.';
  if (input.workPhoneExtension !== '' && !/^[0-9]{1,6}$/.test(input.workPhoneExtension))
    errors.workPhoneExtension = 'Dahili numara en çok 6 rakamdır.';
  if (!errors.mobilePhone && !/^0?5[0-9]{9}$/.test(digits(input.mobilePhone)))
    errors.mobilePhone = 'Cep telefonunu 5XX XXX XX XX biçiminde giriniz.';
  return errors;
}

function digits(phone: string): string {
  return phone.replace(/[\s()-]/g, '');
}

/** `05321234567` → `0532*****67`, for messages that must not show the whole number. */
export function maskPhone(phone: string): string {
  const d = digits(phone);
  return d.slice(0, 4) + '*'.repeat(Math.max(0, d.length - 6)) + d.slice(-2);
}

/**
 * The fields as they go into the signed text (Turkish labels, the words of the paper form). The
 * security word is a secret for the helpdesk's phone check: the text only says it was set.
 */
export function signedForm(input: ApplicationInput): Record<string, string> {
  return {
    'T.C. Kimlik No': input.tckn,
    'Başvuru Nedeni': input.reason,
    'Kart Okuyucu Tipi': input.cardReader,
    'Sertifika Süresi': input.term,
    'Güvenlik Kelimesi': 'belirlendi',
    Kurum: input.institution,
    Birim: input.unit,
    Unvan: input.title,
    Adres: input.address,
    'İl / İlçe': `${input.province} / ${input.district}`,
    'Posta Kodu': input.postalCode,
    'E-posta': input.email,
    'İş Telefonu': input.workPhoneExtension
      ? `${input.workPhone} dahili ${input.workPhoneExtension}`
      : input.workPhone,
    'Cep Telefonu': `${input.mobilePhone} (${input.operator})`,
    'Bildirim Kanalı': input.notification,
    'Cep Telefonu Doğrulaması': 'SMS kodu ile doğrulandı',
  };
}
