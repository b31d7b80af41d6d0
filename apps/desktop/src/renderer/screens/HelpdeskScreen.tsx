import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IpcError, TokenView } from '../../shared/ipc.js';
import { eimza } from '../api.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { FocusHeading } from '../components/FocusHeading.js';
import { Diagnostics } from '../components/Diagnostics.js';
import { TokenPanel } from '../components/TokenPanel.js';

interface Props {
  tokens: TokenView[] | undefined;
  onTokens(tokens: TokenView[]): void;
}

/** Sertifika İşlemleri: the helpdesk's view of cards, PIN/PUK operations and diagnostics. */
export function HelpdeskScreen({ tokens, onTokens }: Props) {
  const { t } = useTranslation();
  const [error, setError] = useState<IpcError | undefined>();
  const [loading, setLoading] = useState(false);

  const load = async () => {
    setLoading(true);
    setError(undefined);
    const result = await eimza().tokens.list();
    setLoading(false);
    if (result.ok) onTokens(result.value);
    else setError(result.error);
  };

  // Listed once when the screen opens; `tokens` events keep it current afterwards.
  useEffect(() => {
    void load();
  }, []);

  const replace = (token: TokenView) =>
    onTokens((tokens ?? []).map((t) => (t.serial === token.serial ? token : t)));

  return (
    <section className="screen" aria-labelledby="helpdesk-title">
      <FocusHeading id="helpdesk-title">{t('helpdesk.title')}</FocusHeading>
      <div className="actions">
        <button type="button" onClick={() => void load()} disabled={loading}>
          {t('actions.refresh')}
        </button>
      </div>
      {error && <ErrorNotice error={error} />}
      {tokens && tokens.length === 0 && (
        <p className="notice notice-warn" role="status">
          {t('helpdesk.noTokens')}
        </p>
      )}
      {tokens?.map((token) => (
        <TokenPanel key={token.serial} token={token} onChanged={replace} />
      ))}
      <Diagnostics />
    </section>
  );
}
