import { useTranslation } from 'react-i18next';
import type { SigningSnapshot } from '../../shared/ipc.js';
import { Countdown } from '../components/Countdown.js';

/** Yükleniyor / İmzalanıyor… 1/2 / Gönderiliyor…: never a silent wait. */
export function Progress({
  snapshot,
  secondsLeft,
}: {
  snapshot: SigningSnapshot;
  secondsLeft: number | undefined;
}) {
  const { t } = useTranslation();
  const text =
    snapshot.step === 'signing' && snapshot.progress
      ? t('progress.signing', {
          // The flow counts texts from 0; people count from 1.
          index: snapshot.progress.index + 1,
          total: snapshot.progress.total,
        })
      : t(`progress.${snapshot.step === 'signing' ? 'signingStart' : snapshot.step}`);
  return (
    <section className="screen" aria-labelledby="progress-title" aria-busy="true">
      <h1 id="progress-title" className="screen-title">
        {t('progress.title')}
      </h1>
      <p className="progress" role="status" aria-live="polite">
        <span className="spinner" aria-hidden="true" /> {text}
      </p>
      {snapshot.step === 'signing' && !snapshot.progress && <p>{t('progress.card')}</p>}
      <Countdown secondsLeft={secondsLeft} />
    </section>
  );
}
