import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { desktop as en } from '../../../../resources/locales/en.json';
import { desktop as tr } from '../../../../resources/locales/tr.json';
import type { Language } from '../shared/ipc.js';

/** The UI texts: the `desktop` section of the shared locale files, Turkish first. */
export async function initI18n(language: Language = 'tr'): Promise<typeof i18next> {
  await i18next.use(initReactI18next).init({
    resources: { tr: { translation: tr }, en: { translation: en } },
    lng: language,
    fallbackLng: 'tr',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18next;
}

export async function setLanguage(language: Language): Promise<void> {
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
}
