/** Every failure the client and the signing flow report. Stable: UIs translate by code. */
export const CLIENT_ERROR_CODES = [
  // HTTP outcomes of protocol.md
  'MALFORMED_CODE',
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'UNKNOWN_CODE',
  'ALREADY_USED',
  'EXPIRED',
  'TOO_LARGE',
  'REJECTED',
  'RATE_LIMITED',
  'SERVER_ERROR',
  'NETWORK',
  'TIMEOUT',
  'TLS',
  'PROTOCOL_ERROR',
  'CANCELLED',
  // signing flow
  'NO_CERTIFICATES',
  'NO_CERTIFICATE_FOR_SIGNER',
  'CERTIFICATE_NOT_USABLE',
  'PIN_INCORRECT',
  'PIN_LOCKED',
  'TOKEN_REMOVED',
  'TOKEN_NOT_PRESENT',
  'TOKEN_ERROR',
  'SIGNING_FAILED',
  'ALREADY_SUBMITTED',
  'OUTCOME_UNKNOWN',
  'INVALID_STATE',
] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

export type Language = 'tr' | 'en';

export interface LocalisedMessage {
  tr: string;
  en: string;
}

export const MESSAGES: Record<ClientErrorCode, LocalisedMessage> = {
  MALFORMED_CODE: {
    tr: 'Doğrulama kodu hatalı: 15 haneli olmalı ve son hanesi kontrol hanesidir.',
    en: 'The verification code is malformed: it must have 15 digits, the last one a check digit.',
  },
  BAD_REQUEST: {
    tr: 'Sunucu isteği geçersiz buldu.',
    en: 'The server found the request invalid.',
  },
  UNAUTHORIZED: {
    tr: 'Bu oturumun sonucunu okuma yetkiniz yok.',
    en: 'You are not allowed to read this session’s result.',
  },
  UNKNOWN_CODE: {
    tr: 'Bu doğrulama kodu bulunamadı. Kodu portaldaki sayfadan yeniden kopyalayın.',
    en: 'This verification code is unknown. Copy it again from the portal page.',
  },
  ALREADY_USED: {
    tr: 'Bu doğrulama kodu zaten kullanıldı.',
    en: 'This verification code has already been used.',
  },
  EXPIRED: {
    tr: 'Süre doldu. Portal sayfasında yeni bir doğrulama kodu alın.',
    en: 'Time is up. Get a new verification code on the portal page.',
  },
  TOO_LARGE: {
    tr: 'Gönderilen imza sunucu için çok büyük.',
    en: 'The signature sent is too large for the server.',
  },
  REJECTED: {
    tr: 'İmza sunucu tarafından reddedildi.',
    en: 'The server rejected the signature.',
  },
  RATE_LIMITED: {
    tr: 'Çok fazla deneme yapıldı. Lütfen biraz bekleyip tekrar deneyin.',
    en: 'Too many attempts. Please wait a moment and try again.',
  },
  SERVER_ERROR: {
    tr: 'Sunucuda bir hata oluştu. Lütfen tekrar deneyin.',
    en: 'The server had an error. Please try again.',
  },
  NETWORK: {
    tr: 'Sunucuya bağlanılamadı. İnternet bağlantınızı kontrol edin.',
    en: 'Could not connect to the server. Check your internet connection.',
  },
  TIMEOUT: {
    tr: 'Sunucu zamanında yanıt vermedi.',
    en: 'The server did not answer in time.',
  },
  TLS: {
    tr: 'Sunucunun güvenlik sertifikası doğrulanamadı (güvenilmeyen sertifika veya yanlış adres).',
    en: 'The server’s security certificate could not be verified (untrusted certificate or wrong host name).',
  },
  PROTOCOL_ERROR: {
    tr: 'Sunucudan beklenmeyen bir yanıt geldi.',
    en: 'The server sent an unexpected answer.',
  },
  CANCELLED: {
    tr: 'İşlem iptal edildi.',
    en: 'The operation was cancelled.',
  },
  NO_CERTIFICATES: {
    tr: 'Takılı kartta imzalamaya uygun (geçerli, nitelikli) sertifika bulunamadı.',
    en: 'No valid signing (qualified) certificate was found on the inserted cards.',
  },
  NO_CERTIFICATE_FOR_SIGNER: {
    tr: 'Takılı kartların hiçbiri bu işlemi başlatan kişiye (T.C. Kimlik No) ait değil.',
    en: 'None of the inserted cards belongs to the person who started this operation (T.C. Kimlik No).',
  },
  CERTIFICATE_NOT_USABLE: {
    tr: 'Seçilen sertifika imzalamada kullanılamaz.',
    en: 'The selected certificate cannot be used for signing.',
  },
  PIN_INCORRECT: {
    tr: 'PIN hatalı. Tekrar deneyin; birkaç hatalı denemeden sonra PIN kilitlenir.',
    en: 'The PIN is incorrect. Try again; the PIN locks after a few wrong tries.',
  },
  PIN_LOCKED: {
    tr: 'PIN kilitlendi. PUK ile kilidi çözebilirsiniz (Kilit Çözme).',
    en: 'The PIN is locked. You can unlock it with the PUK.',
  },
  TOKEN_REMOVED: {
    tr: 'Kart veya kart okuyucu çıkarıldı. Takıp tekrar deneyin.',
    en: 'The card or reader was removed. Insert it and try again.',
  },
  TOKEN_NOT_PRESENT: {
    tr: 'Kart takılı değil. Kartı takıp tekrar deneyin.',
    en: 'No card is inserted. Insert the card and try again.',
  },
  TOKEN_ERROR: {
    tr: 'Kart veya sürücüsü bir hata bildirdi.',
    en: 'The card or its driver reported an error.',
  },
  SIGNING_FAILED: {
    tr: 'İmza oluşturulamadı.',
    en: 'The signature could not be made.',
  },
  ALREADY_SUBMITTED: {
    tr: 'Bu doğrulama kodu için imza zaten gönderildi; ikinci kez gönderilmez.',
    en: 'A signature was already sent for this verification code; it is not sent twice.',
  },
  OUTCOME_UNKNOWN: {
    tr: 'İmza gönderildi ancak sonucu öğrenilemedi. Sonucu portal sayfasında görebilirsiniz.',
    en: 'The signature was sent but its outcome could not be learned. The portal page shows the result.',
  },
  INVALID_STATE: {
    tr: 'Bu adım şu anda yapılamaz.',
    en: 'This step cannot be done now.',
  },
};

export function messageFor(code: ClientErrorCode, language: Language): string {
  return MESSAGES[code][language];
}
