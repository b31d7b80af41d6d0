import { useState } from 'react';
import type { IpcError, Settings, SigningSnapshot } from '../../shared/ipc.js';
import type { Act } from '../act.js';
import type { ReceivedSnapshot } from '../App.js';
import { useCountdown } from '../countdown.js';
import type { Starter } from '../start.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { OriginConfirm } from '../components/OriginConfirm.js';
import { CodeEntry } from './CodeEntry.js';
import { ChoosingScreen } from './ChoosingScreen.js';
import { Outcome } from './Outcome.js';
import { Progress } from './Progress.js';

interface Props {
  received: ReceivedSnapshot;
  settings: Settings | undefined;
  starter: Starter;
  linkError: IpcError | undefined;
  onSnapshot(snapshot: SigningSnapshot): void;
}

/** Which signing screen the snapshot's step calls for. */
export function SigningScreen({ received, settings, starter, linkError, onSnapshot }: Props) {
  const { snapshot, receivedAt } = received;
  const secondsLeft = useCountdown(snapshot.secondsLeft, receivedAt);
  const [actionError, setActionError] = useState<IpcError | undefined>();
  const expired =
    snapshot.step === 'expired' || (snapshot.challenge !== undefined && secondsLeft === 0);

  const act: Act = async (call) => {
    setActionError(undefined);
    const result = await call();
    if (result.ok) onSnapshot(result.value);
    else setActionError(result.error);
    return result.ok;
  };

  const screen = chooseScreen();
  const startError = screen.type === CodeEntry ? undefined : (starter.error ?? linkError);
  return (
    <>
      {startError && <ErrorNotice error={startError} />}
      {screen}
      {starter.pending && (
        <OriginConfirm
          origin={starter.pending.apiOrigin}
          onConfirm={() => void starter.confirm()}
          onCancel={starter.dismiss}
        />
      )}
    </>
  );

  function chooseScreen() {
    if (snapshot.step === 'idle')
      return <CodeEntry settings={settings} starter={starter} error={linkError} />;
    // A code that never loaded (unknown, used, server unreachable): back to the code, with the reason.
    if (snapshot.step === 'failed' && !snapshot.challenge && snapshot.error && !snapshot.declined)
      return (
        <CodeEntry
          key={snapshot.verificationCode}
          settings={settings}
          starter={starter}
          error={linkError ?? snapshot.error}
          lastCode={snapshot.verificationCode}
          lastOrigin={snapshot.apiOrigin}
        />
      );
    if (
      snapshot.step === 'loading' ||
      snapshot.step === 'signing' ||
      snapshot.step === 'submitting'
    )
      return <Progress snapshot={snapshot} secondsLeft={secondsLeft} />;
    // Wrong PIN, locked PIN (also once unlocked), card removed or missing: fixed on the same page,
    // the challenge in view.
    const fixHere =
      snapshot.step === 'failed' &&
      snapshot.challenge !== undefined &&
      (snapshot.error === undefined ||
        snapshot.error.retry === 'sign' ||
        snapshot.error.retry === 'certificates');
    if (snapshot.step === 'choosing' || fixHere || (expired && snapshot.challenge))
      return (
        <ChoosingScreen
          snapshot={snapshot}
          secondsLeft={secondsLeft}
          expired={expired}
          actionError={actionError}
          act={act}
        />
      );
    return <Outcome snapshot={snapshot} expired={expired} actionError={actionError} act={act} />;
  }
}
