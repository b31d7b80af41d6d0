import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IpcError, PinPrompt, PinState } from '../../shared/ipc.js';
import type { Act } from '../act.js';
import { eimza } from '../api.js';
import { ErrorNotice } from './ErrorNotice.js';
import { PinStateNote } from './PinStateNote.js';
import { PukUnlock } from './PukUnlock.js';
import { SecretForm } from './SecretForm.js';

interface Props {
  prompt: PinPrompt;
  pinState: PinState | undefined;
  act: Act;
}

/** The PIN for the chosen certificate: a masked field, the reader's keypad, or the PUK unlock when locked. */
export function PinEntry({ prompt, pinState, act }: Props) {
  const { t } = useTranslation();
  const [unlockError, setUnlockError] = useState<IpcError | undefined>();
  const sign = (pin: string | null) =>
    act(() => eimza().signing.sign({ certificateId: prompt.certificateId, pin }));

  if (pinState?.locked)
    return (
      <section className="panel" aria-labelledby="pin-title">
        <h2 id="pin-title">{t('pin.lockedTitle')}</h2>
        <PinStateNote pinState={pinState} />
        <p>{t('pin.lockedHint')}</p>
        <PukUnlock
          id="signing-unlock"
          minPinLength={prompt.minPinLength}
          maxPinLength={prompt.maxPinLength}
          onUnlock={async (puk, newPin) => {
            setUnlockError(undefined);
            const result = await eimza().pin.unlock({
              tokenSerial: prompt.tokenSerial,
              puk,
              newPin,
            });
            if (!result.ok) return setUnlockError(result.error);
            await act(() => eimza().signing.select({ certificateId: prompt.certificateId }));
          }}
        />
        {unlockError && <ErrorNotice error={unlockError} />}
      </section>
    );

  return (
    <section className="panel" aria-labelledby="pin-title">
      <h2 id="pin-title">{t('pin.title')}</h2>
      <PinStateNote pinState={pinState} />
      {prompt.pinPad ? (
        <>
          <p className="notice notice-info" role="status">
            {t('pin.pinPad')}
          </p>
          <button type="button" className="primary" onClick={() => void sign(null)}>
            {t('pin.sign')}
          </button>
        </>
      ) : (
        <SecretForm
          id="pin-form"
          fields={[{ name: 'pin', label: t('pin.label') }]}
          submitLabel={t('pin.sign')}
          onSubmit={({ pin }) => sign(pin ?? '').then(() => undefined)}
        />
      )}
    </section>
  );
}
