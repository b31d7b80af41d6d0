import { useTranslation } from 'react-i18next';
import type { PinState } from '../../shared/ipc.js';

/** Tries-left wording from the token's flags: PKCS#11 tells "some wrong tries" and "last try", not a count. */
export function PinStateNote({
  pinState,
  secret = 'pin',
}: {
  pinState: PinState | undefined;
  secret?: 'pin' | 'puk';
}) {
  const { t } = useTranslation();
  if (!pinState) return null;
  if (pinState.locked)
    return (
      <p className="notice notice-error" role="alert">
        <span className="icon" aria-hidden="true">
          ⚠
        </span>{' '}
        <strong>{t(`pinState.${secret}.locked`)}</strong>
      </p>
    );
  if (pinState.finalTry)
    return (
      <p className="notice notice-error final-try" role="alert">
        <span className="icon" aria-hidden="true">
          ⚠
        </span>{' '}
        <strong>{t(`pinState.${secret}.finalTry`)}</strong>
      </p>
    );
  if (pinState.countLow)
    return (
      <p className="notice notice-warn" role="alert">
        <span className="icon" aria-hidden="true">
          ⚠
        </span>{' '}
        {t(`pinState.${secret}.countLow`)}
      </p>
    );
  return null;
}
