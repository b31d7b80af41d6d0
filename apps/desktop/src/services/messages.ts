import {
  MESSAGES as CLIENT_MESSAGES,
  type ClientErrorCode,
  type LocalisedMessage,
} from '@eimza/client';
import type { DesktopErrorCode, Language } from '../shared/ipc.js';

type OwnCode = Exclude<DesktopErrorCode, ClientErrorCode>;

/** Values a message may name; never a PIN or PUK. */
export interface MessageParams {
  min?: number;
  max?: number;
  /** A PKCS#11 module path the user gave. */
  path?: string;
  /** Why that module could not be used: no such file, or not a loadable PKCS#11 library. */
  reason?: 'missing' | 'unusable';
}

type Template = LocalisedMessage | ((params: MessageParams) => LocalisedMessage);

/** The app's own failures, in the app's two languages. The client's codes use its MESSAGES. */
const DESKTOP_MESSAGES: Record<OwnCode, Template> = {
  INVALID_REQUEST: {
    tr: 'İstek geçersiz veya bu adımda yapılamaz.',
    en: 'The request is invalid or cannot be done at this step.',
  },
  FORBIDDEN_SENDER: {
    tr: 'İstek uygulamanın kendi penceresinden gelmedi; reddedildi.',
    en: 'The request did not come from the app’s own window and was refused.',
  },
  ORIGIN_NOT_ALLOWED: {
    tr: 'Bu sunucu adresi izin verilenler listesinde değil. Devam etmek için adresi onaylayın.',
    en: 'This server address is not on the allow-list. Confirm the address to continue.',
  },
  ORIGIN_INVALID: {
    tr: 'Sunucu adresi geçersiz veya güvensiz (https gerekli).',
    en: 'The server address is invalid or insecure (https is required).',
  },
  PIN_LEN_RANGE: ({ min, max }) =>
    min !== undefined && max !== undefined
      ? {
          tr: `PIN ${min} ile ${max} karakter arasında olmalı.`,
          en: `The PIN must have ${min} to ${max} characters.`,
        }
      : {
          tr: 'PIN uzunluğu kartın kabul ettiği aralıkta değil.',
          en: 'The PIN length is outside what the card accepts.',
        },
  PIN_INVALID: {
    tr: 'PIN kartın kabul etmediği karakterler içeriyor.',
    en: 'The PIN contains characters the card does not accept.',
  },
  PIN_MISMATCH: {
    tr: 'Yeni PIN ile tekrarı aynı değil.',
    en: 'The new PIN and its repetition differ.',
  },
  PUK_INCORRECT: {
    tr: 'PUK hatalı. Birkaç hatalı denemeden sonra PUK da kilitlenir.',
    en: 'The PUK is incorrect. The PUK also locks after a few wrong tries.',
  },
  PUK_LOCKED: {
    tr: 'PUK kilitlendi. Kartınızı veren kuruma başvurun.',
    en: 'The PUK is locked. Contact the authority that issued your card.',
  },
  MODULE_NOT_FOUND: ({ path, reason }) => {
    if (path !== undefined && reason === 'missing')
      return {
        tr: `Kart sürücüsü (PKCS#11 modülü) bulunamadı: ${path} diye bir dosya yok. Yolu düzeltin.`,
        en: `The card driver (PKCS#11 module) was not found: there is no file ${path}. Correct the path.`,
      };
    if (path !== undefined)
      return {
        tr: `${path} bir kart sürücüsü (PKCS#11 modülü) olarak yüklenemedi. Kartınızın sürücüsünün yolunu girin.`,
        en: `${path} could not be loaded as a card driver (PKCS#11 module). Enter the path of your card’s driver.`,
      };
    return {
      tr: 'Kart sürücüsü (PKCS#11 modülü) yüklenemedi. Ayarlardan modül yolunu kontrol edin.',
      en: 'The card driver (PKCS#11 module) could not be loaded. Check the module path in the settings.',
    };
  },
  SETTINGS_INVALID: {
    tr: 'Ayarlar geçersiz: adresler http(s) kökenleri, modül yolları tam yol olmalı.',
    en: 'The settings are invalid: addresses must be http(s) origins, module paths absolute.',
  },
  BUNDLE_FAILED: {
    tr: 'Destek paketi kaydedilemedi.',
    en: 'The support bundle could not be saved.',
  },
  INTERNAL: {
    tr: 'Uygulamada beklenmeyen bir hata oluştu.',
    en: 'The app had an unexpected error.',
  },
};

function isClientCode(code: DesktopErrorCode): code is ClientErrorCode {
  return Object.hasOwn(CLIENT_MESSAGES, code);
}

/** The user-facing text for `code` in `language`. */
export function desktopMessage(
  code: DesktopErrorCode,
  language: Language,
  params: MessageParams = {},
): string {
  if (isClientCode(code)) return CLIENT_MESSAGES[code][language];
  const template = DESKTOP_MESSAGES[code];
  return (typeof template === 'function' ? template(params) : template)[language];
}
