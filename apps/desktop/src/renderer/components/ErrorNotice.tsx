import { useTranslation } from 'react-i18next';
import type { IpcError } from '../../shared/ipc.js';

/** The main process's localised message, then this app's advice on what to do next. */
export function ErrorNotice({ error, id }: { error: IpcError; id?: string }) {
  const { t } = useTranslation();
  const next = t(`next.${error.code}`, { defaultValue: '' });
  const rejection = error.rejection
    ? t(`rejection.${error.rejection.code}`, { defaultValue: error.rejection.message })
    : undefined;
  return (
    <div className="notice notice-error" role="alert" id={id}>
      <p className="notice-title">
        <span className="icon" aria-hidden="true">
          ⚠
        </span>{' '}
        {error.message}
      </p>
      {rejection && <p>{rejection}</p>}
      {next && <p>{next}</p>}
    </div>
  );
}
