import { maskTckn } from '@eimza/protocol';
import { useTranslation } from 'react-i18next';
import type { IpcError, RetryHint, SigningSnapshot } from '../../shared/ipc.js';
import type { Act } from '../act.js';
import { eimza } from '../api.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { FocusHeading } from '../components/FocusHeading.js';

interface Props {
  snapshot: SigningSnapshot;
  expired: boolean;
  actionError: IpcError | undefined;
  act: Act;
}

/** The retry the snapshot allows, as the call that performs it. */
function retryCall(snapshot: SigningSnapshot, retry: RetryHint) {
  const api = eimza().signing;
  switch (retry) {
    case 'load':
      return snapshot.verificationCode && snapshot.apiOrigin
        ? () =>
            api.start({
              code: snapshot.verificationCode!,
              apiOrigin: snapshot.apiOrigin!,
              confirmedOrigin: true,
            })
        : undefined;
    case 'certificates':
    case 'sign':
      return () => api.refresh();
    case 'submit':
      return () => api.resubmit();
    case 'none':
      return undefined;
  }
}

/** Signed, refused, expired, declined, or failed: in plain words, with what to do next. */
export function Outcome({ snapshot, expired, actionError, act }: Props) {
  const { t } = useTranslation();
  const result = snapshot.result;
  const error = snapshot.error;
  const newCode = (
    <button type="button" onClick={() => void act(() => eimza().signing.reset())}>
      {t('actions.newCode')}
    </button>
  );

  if (snapshot.step === 'done' && result?.state === 'signed')
    return (
      <section className="screen" aria-labelledby="outcome-title">
        <FocusHeading id="outcome-title">
          <span className="icon" aria-hidden="true">
            ✓
          </span>{' '}
          {t('outcome.signed')}
        </FocusHeading>
        <div className="notice notice-ok" role="status">
          <p>
            {t('outcome.signer', { name: result.signer.name, tckn: maskTckn(result.signer.tckn) })}
          </p>
          <p className="notice-title">{t('outcome.backToPortal')}</p>
        </div>
        <div className="actions">{newCode}</div>
      </section>
    );

  if (snapshot.step === 'done' && result?.state === 'recorded')
    return (
      <section className="screen" aria-labelledby="outcome-title">
        <FocusHeading id="outcome-title">{t('outcome.recorded')}</FocusHeading>
        <p role="status">{t('outcome.backToPortal')}</p>
        <div className="actions">{newCode}</div>
      </section>
    );

  if (snapshot.step === 'done' && result?.state === 'rejected')
    return (
      <section className="screen" aria-labelledby="outcome-title">
        <FocusHeading id="outcome-title">{t('outcome.rejected')}</FocusHeading>
        <div className="notice notice-error" role="alert">
          <p className="notice-title">
            {t(`rejection.${result.rejection.code}`, { defaultValue: result.rejection.message })}
          </p>
          <p>
            {t(`rejectionNext.${result.rejection.code}`, {
              defaultValue: t('rejectionNext.default'),
            })}
          </p>
        </div>
        <div className="actions">{newCode}</div>
      </section>
    );

  if (expired)
    return (
      <section className="screen" aria-labelledby="outcome-title">
        <FocusHeading id="outcome-title">{t('expired.title')}</FocusHeading>
        <div className="notice notice-error" role="alert">
          <p>{t('expired.next')}</p>
        </div>
        <div className="actions">{newCode}</div>
      </section>
    );

  if (snapshot.declined)
    return (
      <section className="screen" aria-labelledby="outcome-title">
        <FocusHeading id="outcome-title">{t('outcome.declined')}</FocusHeading>
        <p role="status">{t('outcome.declinedText')}</p>
        <div className="actions">{newCode}</div>
      </section>
    );

  const retry = error && retryCall(snapshot, error.retry);
  return (
    <section className="screen" aria-labelledby="outcome-title">
      <FocusHeading id="outcome-title">
        {error?.code === 'CANCELLED' ? t('outcome.cancelled') : t('outcome.failed')}
      </FocusHeading>
      {error && error.code !== 'CANCELLED' && <ErrorNotice error={error} />}
      {actionError && <ErrorNotice error={actionError} />}
      <div className="actions">
        {retry && (
          <button type="button" className="primary" onClick={() => void act(retry)}>
            {t(`retry.${error!.retry}`)}
          </button>
        )}
        {newCode}
      </div>
    </section>
  );
}
