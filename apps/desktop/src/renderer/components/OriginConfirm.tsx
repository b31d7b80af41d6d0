import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/** Asks before a code goes to a server the user never allowed; a modal dialog keeps the focus in it. */
export function OriginConfirm({
  origin,
  onConfirm,
  onCancel,
}: {
  origin: string;
  onConfirm(): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby="origin-title"
      aria-describedby="origin-text"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="origin-title">{t('origin.title')}</h2>
      <p id="origin-text">{t('origin.text', { origin })}</p>
      <p className="origin">
        <strong>{origin}</strong>
      </p>
      <div className="actions">
        <button type="button" onClick={onCancel} autoFocus>
          {t('origin.cancel')}
        </button>
        <button type="button" className="primary" onClick={onConfirm}>
          {t('origin.confirm')}
        </button>
      </div>
    </dialog>
  );
}
