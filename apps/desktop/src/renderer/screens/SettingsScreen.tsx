import { useEffect, useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { IpcError, Language, Settings } from '../../shared/ipc.js';
import { eimza } from '../api.js';
import { setLanguage } from '../i18n.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { FocusHeading } from '../components/FocusHeading.js';

interface Props {
  settings: Settings | undefined;
  onSettings(settings: Settings): void;
}

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

interface FieldProps {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  /** Given for a list (one entry a line, in a textarea) and shown under it; a single address otherwise. */
  hint?: string;
}

/** One labelled setting: a URL input, or a textarea described by its hint. */
function SettingsField({ id, label, value, onChange, hint }: FieldProps) {
  const hintId = `${id}-hint`;
  const shared = {
    id,
    spellCheck: false,
    value,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => onChange(e.target.value),
  };
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {hint === undefined ? (
        <input type="url" autoComplete="off" {...shared} />
      ) : (
        <>
          <textarea rows={3} aria-describedby={hintId} {...shared} />
          <p id={hintId} className="hint">
            {hint}
          </p>
        </>
      )}
    </div>
  );
}

/** Ayarlar: the language switches at once; module paths and servers are saved together. */
export function SettingsScreen({ settings, onSettings }: Props) {
  const { t } = useTranslation();
  const [modules, setModules] = useState(() => settings?.modulePaths.join('\n') ?? '');
  const [origins, setOrigins] = useState(() => settings?.allowedOrigins.join('\n') ?? '');
  const [defaultOrigin, setDefaultOrigin] = useState(() => settings?.defaultApiOrigin ?? '');
  const [error, setError] = useState<IpcError | undefined>();
  const [saved, setSaved] = useState(false);
  // Switches the moment the user picks it; the stored settings follow.
  const [language, setLanguageChoice] = useState<Language | undefined>(settings?.language);

  useEffect(() => {
    if (!settings) return;
    setModules(settings.modulePaths.join('\n'));
    setOrigins(settings.allowedOrigins.join('\n'));
    setDefaultOrigin(settings.defaultApiOrigin);
    setLanguageChoice(settings.language);
  }, [settings]);

  const chooseLanguage = (next: Language) => {
    setLanguageChoice(next);
    void setLanguage(next);
    void update({ language: next });
  };

  const update = async (patch: Partial<Settings>) => {
    setError(undefined);
    setSaved(false);
    const result = await eimza().settings.update(patch);
    if (!result.ok) return setError(result.error);
    onSettings(result.value);
    setSaved(true);
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    void update({
      modulePaths: lines(modules),
      allowedOrigins: lines(origins),
      defaultApiOrigin: defaultOrigin.trim(),
    });
  };

  return (
    <section className="screen" aria-labelledby="settings-title">
      <FocusHeading id="settings-title">{t('settings.title')}</FocusHeading>
      <fieldset className="panel">
        <legend>{t('settings.language')}</legend>
        {(['tr', 'en'] as Language[]).map((choice) => (
          <label key={choice} className="choice">
            <input
              type="radio"
              name="language"
              value={choice}
              checked={choice === language}
              onChange={() => chooseLanguage(choice)}
            />{' '}
            <span lang={choice}>{t(`settings.languages.${choice}`)}</span>
          </label>
        ))}
      </fieldset>
      <form className="panel" onSubmit={save} noValidate>
        <SettingsField
          id="default-origin"
          label={t('settings.defaultOrigin')}
          value={defaultOrigin}
          onChange={setDefaultOrigin}
        />
        <SettingsField
          id="allowed-origins"
          label={t('settings.allowedOrigins')}
          hint={t('settings.allowedOriginsHint')}
          value={origins}
          onChange={setOrigins}
        />
        <SettingsField
          id="module-paths"
          label={t('settings.modulePaths')}
          hint={t('settings.modulePathsHint')}
          value={modules}
          onChange={setModules}
        />
        <button type="submit" className="primary">
          {t('settings.save')}
        </button>
      </form>
      {error && <ErrorNotice error={error} />}
      {saved && (
        <p className="notice notice-ok" role="status">
          <span className="icon" aria-hidden="true">
            ✓
          </span>{' '}
          {t('settings.saved')}
        </p>
      )}
    </section>
  );
}
