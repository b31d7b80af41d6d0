import { useState } from 'react';
import type { IpcError, Settings, SigningSnapshot } from '../../shared/ipc.js';
import type { Act } from '../act.js';
import type { ReceivedSnapshot } from '../App.js';
import { useCountdown } from '../countdown.js';
import { signingView } from '../screen.js';
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
  const { view, expired } = signingView(snapshot, secondsLeft);

  const act: Act = async (call) => {
    setActionError(undefined);
    const result = await call();
    if (result.ok) onSnapshot(result.value);
    else setActionError(result.error);
    return result.ok;
  };

  const screen = chooseScreen();
  const startError =
    view === 'code' || view === 'code-again' ? undefined : (starter.error ?? linkError);
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
    switch (view) {
      case 'code':
        return <CodeEntry settings={settings} starter={starter} error={linkError} />;
      case 'code-again':
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
      case 'progress':
        return <Progress snapshot={snapshot} secondsLeft={secondsLeft} />;
      case 'challenge':
        return (
          <ChoosingScreen
            snapshot={snapshot}
            secondsLeft={secondsLeft}
            expired={expired}
            actionError={actionError}
            act={act}
          />
        );
      case 'outcome':
        return (
          <Outcome snapshot={snapshot} expired={expired} actionError={actionError} act={act} />
        );
    }
  }
}
