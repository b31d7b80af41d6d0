import { useTranslation } from 'react-i18next';
import type { CertificateView } from '../../shared/ipc.js';
import { formatDate } from '../format.js';

/** What a person recognises their certificate by; the expiry warning is words, not a colour. */
export function CertificateFacts({
  certificate,
  labelFor,
}: {
  certificate: CertificateView;
  /** The radio button this card's name labels, when the card is a choice. */
  labelFor?: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      {labelFor ? (
        <label htmlFor={labelFor} className="card-name">
          {certificate.commonName ?? certificate.subject}
        </label>
      ) : (
        <span className="card-name">{certificate.commonName ?? certificate.subject}</span>
      )}
      <dl className="facts card-facts" id={labelFor && `${labelFor}-facts`}>
        {certificate.tcknMasked && (
          <>
            <dt>{t('cert.tckn')}</dt>
            <dd>{certificate.tcknMasked}</dd>
          </>
        )}
        <dt>{t('cert.issuer')}</dt>
        <dd>{certificate.issuerName}</dd>
        <dt>{t('cert.validity')}</dt>
        <dd>
          {formatDate(certificate.notBefore)} – {formatDate(certificate.notAfter)}
        </dd>
        <dt>{t('cert.keyType')}</dt>
        <dd>{certificate.keyAlgorithm}</dd>
        <dt>{t('cert.token')}</dt>
        <dd>{certificate.tokenLabel}</dd>
      </dl>
      <ExpiryBadge certificate={certificate} />
    </>
  );
}

export function ExpiryBadge({ certificate }: { certificate: CertificateView }) {
  const { t } = useTranslation();
  if (certificate.expiry === 'valid') return null;
  return (
    <span className={`badge badge-${certificate.expiry}`}>
      <span className="icon" aria-hidden="true">
        ⚠
      </span>{' '}
      {t(`cert.expiry.${certificate.expiry}`, { count: Math.abs(certificate.daysLeft) })}
    </span>
  );
}
