import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DiagnosticsView, IpcError } from '../../shared/ipc.js';
import { eimza } from '../api.js';
import { ErrorNotice } from './ErrorNotice.js';

const MARK = { OK: '✓', WARN: '⚠', FAIL: '✗' } as const;

/** Tanılama: each check's verdict in words (OK / UYARI / HATA), the finding and the advice. */
export function Diagnostics() {
  const { t } = useTranslation();
  const [view, setView] = useState<DiagnosticsView | undefined>();
  const [bundle, setBundle] = useState<string | undefined>();
  const [error, setError] = useState<IpcError | undefined>();
  const [busy, setBusy] = useState<'run' | 'bundle' | undefined>();

  const run = async () => {
    setBusy('run');
    setError(undefined);
    const result = await eimza().diagnostics.run();
    setBusy(undefined);
    if (result.ok) setView(result.value);
    else setError(result.error);
  };
  const save = async () => {
    setBusy('bundle');
    setError(undefined);
    const result = await eimza().diagnostics.saveBundle();
    setBusy(undefined);
    if (result.ok) setBundle(result.value.path);
    else setError(result.error);
  };

  return (
    <section className="panel" aria-labelledby="diag-title" aria-busy={busy !== undefined}>
      <h2 id="diag-title">{t('diag.title')}</h2>
      <div className="actions">
        <button type="button" onClick={() => void run()} disabled={busy !== undefined}>
          {t('diag.run')}
        </button>
        <button type="button" onClick={() => void save()} disabled={busy !== undefined}>
          {t('diag.bundle')}
        </button>
      </div>
      {busy && (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> {t(`diag.busy.${busy}`)}
        </p>
      )}
      {error && <ErrorNotice error={error} />}
      {bundle && (
        <p className="notice notice-ok" role="status">
          {t('diag.saved')} <code className="path">{bundle}</code>
        </p>
      )}
      {view && (
        <ul className="checks">
          {view.checks.map((check, index) => (
            <li key={index} className={`check check-${check.status.toLowerCase()}`}>
              <span className="check-status">
                <span aria-hidden="true">{MARK[check.status]}</span>{' '}
                {t(`diag.status.${check.status}`)}
              </span>{' '}
              <span className="check-area">{check.area}:</span> {check.text}
              {check.hint && <p className="hint">{check.hint}</p>}
              {check.detail && (
                <details>
                  <summary>{t('diag.detail')}</summary>
                  <pre className="detail">{check.detail}</pre>
                </details>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
