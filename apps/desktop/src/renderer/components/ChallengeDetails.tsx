import { useTranslation } from 'react-i18next';
import type { ChallengeView } from '../../shared/ipc.js';
import { formatDateTime } from '../format.js';

/** Sözleşme: who asks, why, and every text to be signed in full. */
export function ChallengeDetails({ challenge }: { challenge: ChallengeView }) {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="challenge-service">
      <h2 id="challenge-service">{challenge.service.name}</h2>
      <dl className="facts">
        <dt>{t('challenge.origin')}</dt>
        <dd className="origin">{challenge.apiOrigin}</dd>
        <dt>{t('challenge.serviceOrigin')}</dt>
        <dd>{challenge.service.origin}</dd>
        <dt>{t('challenge.purpose')}</dt>
        <dd>{t(`purpose.${challenge.purpose}`)}</dd>
        <dt>{t('challenge.createdAt')}</dt>
        <dd>{formatDateTime(challenge.createdAt)}</dd>
        {challenge.signer && (
          <>
            <dt>{t('challenge.signer')}</dt>
            <dd>{challenge.signer.tcknMasked}</dd>
          </>
        )}
      </dl>
      {challenge.texts.map((text, index) => {
        const numbered = t('challenge.textTitle', { n: index + 1 });
        // The portal's titles often are this very heading already ("İmzalanacak Metin 1").
        const heading = text.title === numbered ? numbered : `${numbered}: ${text.title}`;
        return (
          <article key={text.id} className="text-to-sign" aria-labelledby={`text-${index}`}>
            <h3 id={`text-${index}`}>{heading}</h3>
            <p className="text-content">{text.content}</p>
          </article>
        );
      })}
    </section>
  );
}
