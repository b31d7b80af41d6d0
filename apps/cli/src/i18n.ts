import i18next, { type TFunction } from 'i18next';
import en from '../../../resources/locales/en.json' with { type: 'json' };
import tr from '../../../resources/locales/tr.json' with { type: 'json' };

export type Lang = 'tr' | 'en';
export const LANGS: readonly Lang[] = ['tr', 'en'];

export type Translate = TFunction;

export function isLang(value: string): value is Lang {
  return (LANGS as readonly string[]).includes(value);
}

/** `--lang` wins; otherwise English only when the locale (LC_ALL, LC_MESSAGES, LANG) says so: the CLI is Turkish first. */
export function pickLang(option: string | undefined, env: NodeJS.ProcessEnv): Lang {
  if (option && isLang(option)) return option;
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('en') ? 'en' : 'tr';
}

/** The locale texts are bundled, so initialisation is synchronous and needs no file access. */
export function createTranslator(lang: Lang): Translate {
  const instance = i18next.createInstance();
  void instance.init({
    lng: lang,
    fallbackLng: 'en',
    initAsync: false,
    resources: { tr: { translation: tr }, en: { translation: en } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance.t.bind(instance);
}
