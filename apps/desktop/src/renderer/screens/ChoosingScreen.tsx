import { useTranslation } from 'react-i18next';
import type { IpcError, SigningSnapshot } from '../../shared/ipc.js';
import type { Act } from '../act.js';
import { eimza } from '../api.js';
import { CertificateChoice } from '../components/CertificateChoice.js';
import { ChallengeDetails } from '../components/ChallengeDetails.js';
import { Countdown } from '../components/Countdown.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { FocusHeading } from '../components/FocusHeading.js';
import { PinEntry } from '../components/PinEntry.js';

interface Props {
  snapshot: SigningSnapshot;
  secondsLeft: number | undefined;
  expired: boolean;
  actionError: IpcError | undefined;
  act: Act;
}

const E_ONAY = new Set(['e-onay-accept', 'e-onay-cancel']);
const CARD_MISSING = new Set([
  'NO_CERTIFICATES',
  'NO_CERTIFICATE_FOR_SIGNER',
  'TOKEN_NOT_PRESENT',
  'TOKEN_REMOVED',
]);

/** Sözleşme + Sertifika Seçimi + PIN: one page, read top to bottom, usable with Tab alone. */
export function ChoosingScreen({ snapshot, secondsLeft, expired, actionError, act }: Props) {
  const { t } = useTranslation();
  const challenge = snapshot.challenge;
  const needsAcceptance = challenge !== undefined && E_ONAY.has(challenge.purpose);
  const mayChoose = !needsAcceptance || snapshot.accepted === true;
  const choices = mayChoose ? snapshot.choices : undefined;
  // An empty certificate list says "insert the card" itself, with its own Yenile button.
  const cardsSayIt =
    choices !== undefined &&
    choices.usable.length === 0 &&
    (snapshot.error === undefined || CARD_MISSING.has(snapshot.error.code));
  const error = actionError ?? (cardsSayIt ? undefined : snapshot.error);
  const prompt =
    mayChoose &&
    snapshot.pinPrompt &&
    (choices === undefined ||
      choices.usable.some((c) => c.id === snapshot.pinPrompt!.certificateId))
      ? snapshot.pinPrompt
      : undefined;

  return (
    <section className="screen" aria-labelledby="challenge-title">
      <FocusHeading id="challenge-title">{t('challenge.title')}</FocusHeading>
      {expired ? (
        <div className="notice notice-error" role="alert">
          <p className="notice-title">
            <span className="icon" aria-hidden="true">
              ⚠
            </span>{' '}
            {t('expired.title')}
          </p>
          <p>{t('expired.next')}</p>
          <button
            type="button"
            className="primary"
            onClick={() => void act(() => eimza().signing.reset())}
          >
            {t('actions.newCode')}
          </button>
        </div>
      ) : (
        <Countdown secondsLeft={secondsLeft} />
      )}
      <fieldset className="plain" disabled={expired}>
        <legend className="sr-only">{t('challenge.title')}</legend>
        {challenge && <ChallengeDetails challenge={challenge} />}
        {needsAcceptance && (
          <div className="panel acceptance">
            <h2>{t('eonay.question')}</h2>
            {snapshot.accepted ? (
              <p role="status">
                <span className="icon" aria-hidden="true">
                  ✓
                </span>{' '}
                {t('eonay.accepted')}
              </p>
            ) : (
              <div className="actions">
                <button
                  type="button"
                  className="primary"
                  onClick={() => void act(() => eimza().signing.accept())}
                >
                  {t('eonay.accept')}
                </button>
                <button type="button" onClick={() => void act(() => eimza().signing.decline())}>
                  {t('eonay.decline')}
                </button>
              </div>
            )}
          </div>
        )}
        {choices && (
          <CertificateChoice
            choices={choices}
            selectedId={snapshot.selectedCertificateId}
            onSelect={(certificateId) => void act(() => eimza().signing.select({ certificateId }))}
            onRefresh={() => void act(() => eimza().signing.refresh())}
          />
        )}
        {error && !(expired && error.code === 'EXPIRED') && <ErrorNotice error={error} />}
        {!cardsSayIt && snapshot.step === 'failed' && snapshot.error?.retry === 'certificates' && (
          <div className="actions">
            <button type="button" onClick={() => void act(() => eimza().signing.refresh())}>
              {t('retry.certificates')}
            </button>
          </div>
        )}
        {prompt && (
          <PinEntry
            prompt={prompt}
            pinState={snapshot.error?.pinState ?? prompt.pinState}
            act={act}
          />
        )}
      </fieldset>
      <div className="actions secondary-actions">
        <button
          type="button"
          onClick={() => void act(() => eimza().signing.cancel())}
          disabled={expired}
        >
          {t('actions.cancel')}
        </button>
      </div>
    </section>
  );
}
