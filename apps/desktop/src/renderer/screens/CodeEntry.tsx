import { groupVerificationCode, normaliseVerificationCode } from '@eimza/protocol';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { IpcError, Settings } from '../../shared/ipc.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { codeProblem } from '../code.js';
import type { Starter } from '../start.js';

interface Props {
  settings: Settings | undefined;
  starter: Starter;
  /** Why the last code could not be used (unknown, expired, server unreachable…), and that code. */
  error: IpcError | undefined;
  lastCode?: string | undefined;
  lastOrigin?: string | undefined;
}

/** Start (Doğrulama Kodu): the 15-digit code from the portal, grouped for reading, Luhn-checked. */
export function CodeEntry({ settings, starter, error, lastCode, lastOrigin }: Props) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState(() => (lastCode ? groupVerificationCode(lastCode) : ''));
  const [touched, setTouched] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const digits = normaliseVerificationCode(typed);
  const problem = codeProblem(digits);
  // Only complain about the length once the user has left the field or pressed İleri.
  const shown = problem === 'length' && !touched ? undefined : problem;
  // Retrying the last code goes where it came from (a deep link names its server); a new code
  // goes to the default server.
  const origin = (digits === lastCode && lastOrigin) || settings?.defaultApiOrigin;

  useEffect(() => input.current?.focus(), []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (problem || !origin) return;
    void starter.start(digits, origin);
  };

  const onChange = (value: string) => {
    const bare = normaliseVerificationCode(value);
    // Regroup only well-formed digit strings, so a stray letter stays visible where it was typed.
    setTyped(/^[0-9]{0,15}$/.test(bare) ? groupVerificationCode(bare) : value);
  };

  return (
    <section className="screen" aria-labelledby="code-title">
      <h1 id="code-title" className="screen-title">
        {t('code.title')}
      </h1>
      <p>{t('code.intro')}</p>
      <p className="origin">
        <span className="origin-label">{t('code.origin')}</span>{' '}
        <strong id="api-origin">{origin ?? '…'}</strong>
      </p>
      <form onSubmit={submit} noValidate>
        <label htmlFor="code-input" className="field-label">
          {t('code.label')}
        </label>
        <input
          ref={input}
          id="code-input"
          className="code-input"
          type="text"
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          maxLength={40}
          value={typed}
          aria-invalid={shown ? true : undefined}
          aria-describedby="code-hint code-problem"
          onChange={(e) => onChange(e.target.value)}
          onBlur={() => digits.length > 0 && setTouched(true)}
        />
        <p id="code-hint" className="hint">
          {t('code.hint')}
        </p>
        <p id="code-problem" className="field-problem" aria-live="polite">
          {shown && (
            <>
              <span className="icon" aria-hidden="true">
                ✗
              </span>{' '}
              {t(`code.problem.${shown}`)}
            </>
          )}
          {!problem && (
            <>
              <span className="icon" aria-hidden="true">
                ✓
              </span>{' '}
              {t('code.ok')}
            </>
          )}
        </p>
        <button type="submit" className="primary" disabled={starter.busy || !origin}>
          {t('code.next')}
        </button>
      </form>
      {(starter.error ?? error) && <ErrorNotice error={(starter.error ?? error)!} />}
    </section>
  );
}
