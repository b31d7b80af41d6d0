import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IpcError, Settings, SigningSnapshot, TokenView } from '../shared/ipc.js';
import { eimza } from './api.js';
import { setLanguage } from './i18n.js';
import { Navigation, type Tab } from './components/Navigation.js';
import { SigningScreen } from './screens/SigningScreen.js';
import { HelpdeskScreen } from './screens/HelpdeskScreen.js';
import { SettingsScreen } from './screens/SettingsScreen.js';
import { useStartSigning } from './start.js';

export interface ReceivedSnapshot {
  snapshot: SigningSnapshot;
  /** `performance.now()` when it arrived: the countdown's origin. */
  receivedAt: number;
}

export function App() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('sign');
  const [received, setReceived] = useState<ReceivedSnapshot>({
    snapshot: { step: 'idle' },
    receivedAt: performance.now(),
  });
  const [tokens, setTokens] = useState<TokenView[] | undefined>();
  const [settings, setSettings] = useState<Settings | undefined>();
  const [linkError, setLinkError] = useState<IpcError | undefined>();

  const showSnapshot = useCallback((snapshot: SigningSnapshot) => {
    setReceived({ snapshot, receivedAt: performance.now() });
  }, []);
  const applySettings = useCallback((next: Settings) => {
    setSettings(next);
    void setLanguage(next.language);
  }, []);
  const starter = useStartSigning(showSnapshot);

  useEffect(() => {
    const api = eimza();
    const unsubscribe = api.onEvent((event) => {
      switch (event.type) {
        case 'signing':
          if (event.snapshot.step === 'loading') setLinkError(undefined);
          showSnapshot(event.snapshot);
          break;
        case 'tokens':
          setTokens(event.tokens);
          break;
        case 'settings':
          applySettings(event.settings);
          break;
        case 'deep-link':
          setTab('sign');
          setLinkError(undefined);
          void starter.start(event.link.code, event.link.apiOrigin);
          break;
        case 'deep-link-invalid':
          setTab('sign');
          setLinkError(event.error);
          break;
      }
    });
    void api.settings.get().then((r) => r.ok && applySettings(r.value));
    void api.signing.snapshot().then((r) => r.ok && showSnapshot(r.value));
    return unsubscribe;
  }, [showSnapshot, applySettings, starter.start]);

  return (
    <div className="app">
      <header className="app-header">
        <span className="brand" aria-hidden="true">
          eimza
        </span>
        <Navigation current={tab} onChange={setTab} />
      </header>
      <main id="main" className="app-main" aria-label={t(`nav.${tab}`)}>
        {tab === 'sign' && (
          <SigningScreen
            received={received}
            settings={settings}
            starter={starter}
            linkError={linkError}
            onSnapshot={showSnapshot}
          />
        )}
        {tab === 'helpdesk' && <HelpdeskScreen tokens={tokens} onTokens={setTokens} />}
        {tab === 'settings' && <SettingsScreen settings={settings} onSettings={applySettings} />}
      </main>
    </div>
  );
}
