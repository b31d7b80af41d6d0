import { useTranslation } from 'react-i18next';
import { countdownWarning } from '../countdown.js';

/**
 * "Kalan Süre": the number itself is not a live region (it would be read out every second); the
 * warnings at one minute, thirty and ten seconds are.
 */
export function Countdown({ secondsLeft }: { secondsLeft: number | undefined }) {
  const { t } = useTranslation();
  if (secondsLeft === undefined) return null;
  const warning = countdownWarning(secondsLeft);
  return (
    <div className={`countdown${warning ? ' countdown-low' : ''}`}>
      <p>
        <span className="countdown-label">{t('challenge.timeLeft')}</span>{' '}
        <strong id="seconds-left" className="countdown-value">
          {t('challenge.seconds', { count: secondsLeft })}
        </strong>
      </p>
      <p className="countdown-note">
        <span className="icon" aria-hidden="true">
          ⚠
        </span>{' '}
        {t('challenge.timeLimit')}
      </p>
      <p className="sr-only" aria-live="assertive" aria-atomic="true">
        {warning ? t(`challenge.warning.${warning}`) : ''}
      </p>
    </div>
  );
}
