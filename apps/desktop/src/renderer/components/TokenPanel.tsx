import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IpcError, IpcResult, PinState, TokenView } from '../../shared/ipc.js';
import { eimza } from '../api.js';
import { CertificateFacts } from './CertificateCard.js';
import { ErrorNotice } from './ErrorNotice.js';
import { PinStateNote } from './PinStateNote.js';
import { PukUnlock } from './PukUnlock.js';
import { SecretForm } from './SecretForm.js';

type Operation = 'change-pin' | 'unlock' | 'change-puk';

function pinStatus(state: PinState): string {
  if (state.locked) return 'locked';
  if (state.finalTry) return 'finalTry';
  if (state.countLow) return 'countLow';
  if (!state.initialized) return 'uninitialized';
  return 'ok';
}

/** One card or token: what the helpdesk reads out on the phone, and the PIN/PUK operations. */
export function TokenPanel({
  token,
  onChanged,
}: {
  token: TokenView;
  onChanged(token: TokenView): void;
}) {
  const { t } = useTranslation();
  const [operation, setOperation] = useState<Operation | undefined>();
  const [error, setError] = useState<IpcError | undefined>();
  const [done, setDone] = useState<Operation | undefined>();
  const prefix = `token-${token.serial}`;

  const run = async (op: Operation, call: () => Promise<IpcResult<TokenView>>) => {
    setError(undefined);
    setDone(undefined);
    const result = await call();
    if (!result.ok) return setError(result.error);
    onChanged(result.value);
    setOperation(undefined);
    setDone(op);
  };
  const range = { minLength: token.minPinLength, maxLength: token.maxPinLength };

  return (
    <section className="panel token" aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{token.label}</h2>
      <dl className="facts">
        <dt>{t('token.serial')}</dt>
        <dd>{token.serial}</dd>
        <dt>{t('token.model')}</dt>
        <dd>
          {token.manufacturer} {token.model}
        </dd>
        <dt>{t('token.module')}</dt>
        <dd>{token.moduleName}</dd>
        <dt>{t('token.slot')}</dt>
        <dd>{token.slotDescription}</dd>
        <dt>{t('token.pinPad')}</dt>
        <dd>{token.pinPad ? t('common.yes') : t('common.no')}</dd>
        <dt>{t('token.pin')}</dt>
        <dd>{t(`token.status.${pinStatus(token.userPin)}`)}</dd>
        <dt>{t('token.puk')}</dt>
        <dd>{t(`token.status.${pinStatus(token.soPin)}`)}</dd>
        <dt>{t('token.pinLength')}</dt>
        <dd>{t('secret.range', { min: token.minPinLength, max: token.maxPinLength })}</dd>
      </dl>
      <PinStateNote pinState={token.userPin} />
      <PinStateNote pinState={token.soPin} secret="puk" />
      <h3>{t('token.certificates')}</h3>
      {token.certificates.length === 0 ? (
        <p>{t('token.noCertificates')}</p>
      ) : (
        <ul className="cert-list">
          {token.certificates.map((certificate) => (
            <li key={certificate.id} className="card">
              <CertificateFacts certificate={certificate} />
            </li>
          ))}
        </ul>
      )}
      <div className="actions" role="group" aria-label={t('token.operations')}>
        {(['change-pin', 'unlock', 'change-puk'] as const).map((op) => (
          <button
            key={op}
            type="button"
            aria-expanded={operation === op}
            aria-controls={`${prefix}-${op}`}
            onClick={() => {
              setOperation(operation === op ? undefined : op);
              setError(undefined);
              setDone(undefined);
            }}
          >
            {t(`token.op.${op}`)}
          </button>
        ))}
      </div>
      {operation === 'change-pin' && (
        <SecretForm
          id={`${prefix}-change-pin`}
          fields={[
            { name: 'oldPin', label: t('secret.oldPin') },
            { name: 'newPin', label: t('secret.newPin'), ...range },
            { name: 'newPin2', label: t('secret.newPinAgain'), repeatOf: 'newPin' },
          ]}
          submitLabel={t('token.op.change-pin')}
          onSubmit={({ oldPin, newPin }) =>
            run('change-pin', () =>
              eimza().pin.change({
                tokenSerial: token.serial,
                oldPin: oldPin ?? '',
                newPin: newPin ?? '',
              }),
            )
          }
        />
      )}
      {operation === 'unlock' && (
        <div id={`${prefix}-unlock`}>
          <PukUnlock
            id={`${prefix}-unlock-form`}
            minPinLength={token.minPinLength}
            maxPinLength={token.maxPinLength}
            onUnlock={(puk, newPin) =>
              run('unlock', () => eimza().pin.unlock({ tokenSerial: token.serial, puk, newPin }))
            }
          />
        </div>
      )}
      {operation === 'change-puk' && (
        <SecretForm
          id={`${prefix}-change-puk`}
          fields={[
            { name: 'oldPuk', label: t('secret.oldPuk') },
            { name: 'newPuk', label: t('secret.newPuk'), ...range },
            { name: 'newPuk2', label: t('secret.newPukAgain'), repeatOf: 'newPuk' },
          ]}
          submitLabel={t('token.op.change-puk')}
          onSubmit={({ oldPuk, newPuk }) =>
            run('change-puk', () =>
              eimza().pin.changePuk({
                tokenSerial: token.serial,
                oldPuk: oldPuk ?? '',
                newPuk: newPuk ?? '',
              }),
            )
          }
        />
      )}
      {error && <ErrorNotice error={error} />}
      {done && (
        <p className="notice notice-ok" role="status">
          <span className="icon" aria-hidden="true">
            ✓
          </span>{' '}
          {t(`token.done.${done}`)}
        </p>
      )}
    </section>
  );
}
