import { useTranslation } from 'react-i18next';
import type { CertificateChoicesView } from '../../shared/ipc.js';
import { CertificateFacts } from './CertificateCard.js';

interface Props {
  choices: CertificateChoicesView;
  selectedId: string | undefined;
  onSelect(certificateId: string): void;
  onRefresh(): void;
}

/** Sertifika Seçimi: a radio group of cards (arrow keys move between them), then what cannot sign. */
export function CertificateChoice({ choices, selectedId, onSelect, onRefresh }: Props) {
  const { t } = useTranslation();
  const nothing = choices.usable.length === 0;
  // No card at all, or cards whose certificates cannot sign this (the list below says why).
  const missing = nothing && choices.excluded.length === 0 ? 'noCard' : 'noneUsable';
  return (
    <section className="panel" aria-labelledby="cert-title">
      <h2 id="cert-title">{t('cert.title')}</h2>
      {nothing ? (
        <div className="notice notice-warn" role="status">
          <p className="notice-title">
            {choices.signer === 'not-found' && missing === 'noneUsable'
              ? t('cert.signerNotFound')
              : t(`cert.${missing}`)}
          </p>
          <p>{t('cert.noCardHint')}</p>
          <button type="button" onClick={onRefresh}>
            {t('actions.refresh')}
          </button>
        </div>
      ) : (
        <fieldset className="cards">
          <legend>{t('cert.choose')}</legend>
          {choices.usable.map((certificate, index) => (
            <div
              key={certificate.id}
              className={`card${certificate.id === selectedId ? ' card-selected' : ''}`}
              onClick={(event) => {
                // The radio and its label already select; this makes the rest of the card a target too.
                const inner = (event.target as Element).closest('label, input');
                if (!inner && certificate.id !== selectedId) onSelect(certificate.id);
              }}
            >
              <input
                id={`cert-${index}`}
                type="radio"
                name="certificate"
                value={certificate.id}
                checked={certificate.id === selectedId}
                aria-describedby={`cert-${index}-facts`}
                onChange={() => onSelect(certificate.id)}
              />
              <div className="card-body">
                <CertificateFacts certificate={certificate} labelFor={`cert-${index}`} />
              </div>
            </div>
          ))}
        </fieldset>
      )}
      {choices.excluded.length > 0 && (
        <div className="excluded">
          <h3>{t('cert.excluded')}</h3>
          <ul>
            {choices.excluded.map(({ certificate, reason }) => (
              <li key={certificate.id}>
                <strong>{certificate.commonName ?? certificate.subject}</strong> (
                {certificate.tokenLabel}): {t(`cert.reason.${reason}`)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
