import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface SecretField {
  name: string;
  label: string;
  /** A second field that must repeat this one. */
  repeatOf?: string;
  minLength?: number;
  maxLength?: number;
}

interface Props {
  id: string;
  fields: SecretField[];
  submitLabel: string;
  disabled?: boolean;
  children?: ReactNode;
  /** Gets the values once; the fields are emptied before it runs. */
  onSubmit(values: Record<string, string>): void | Promise<void>;
}

/**
 * Masked fields for PINs and PUKs. The values live only in this form's state and are cleared the
 * moment they are handed on, whatever the answer; they are never logged.
 */
export function SecretForm({ id, fields, submitLabel, disabled, children, onSubmit }: Props) {
  const { t } = useTranslation();
  const empty = () => Object.fromEntries(fields.map((f) => [f.name, '']));
  const [values, setValues] = useState<Record<string, string>>(empty);
  const [mismatch, setMismatch] = useState<string | undefined>();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const wrong = fields.find((f) => f.repeatOf && values[f.name] !== values[f.repeatOf]);
    if (wrong) {
      setMismatch(wrong.name);
      return;
    }
    setMismatch(undefined);
    const handed = values;
    setValues(empty());
    void onSubmit(handed);
  };

  return (
    <form id={id} className="secret-form" onSubmit={submit} noValidate>
      {children}
      {fields.map((field) => (
        <div className="field" key={field.name}>
          <label htmlFor={`${id}-${field.name}`} className="field-label">
            {field.label}
          </label>
          <input
            id={`${id}-${field.name}`}
            type="password"
            autoComplete="off"
            spellCheck={false}
            disabled={disabled}
            value={values[field.name] ?? ''}
            aria-invalid={mismatch === field.name ? true : undefined}
            aria-describedby={
              field.minLength !== undefined ? `${id}-${field.name}-range` : undefined
            }
            onChange={(e) => setValues((v) => ({ ...v, [field.name]: e.target.value }))}
          />
          {field.minLength !== undefined && (
            <p id={`${id}-${field.name}-range`} className="hint">
              {t('secret.range', { min: field.minLength, max: field.maxLength })}
            </p>
          )}
        </div>
      ))}
      {mismatch && (
        <p className="field-problem" role="alert">
          <span className="icon" aria-hidden="true">
            ✗
          </span>{' '}
          {t('secret.mismatch')}
        </p>
      )}
      <button type="submit" className="primary" disabled={disabled}>
        {submitLabel}
      </button>
    </form>
  );
}
