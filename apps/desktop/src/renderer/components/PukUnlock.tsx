import { useTranslation } from 'react-i18next';
import { SecretForm } from './SecretForm.js';

interface Props {
  id: string;
  minPinLength: number;
  maxPinLength: number;
  onUnlock(puk: string, newPin: string): Promise<void>;
}

/** Kilit Çözme: the PUK and a new PIN typed twice, right where the locked PIN was found. */
export function PukUnlock({ id, minPinLength, maxPinLength, onUnlock }: Props) {
  const { t } = useTranslation();
  return (
    <SecretForm
      id={id}
      fields={[
        { name: 'puk', label: t('secret.puk') },
        {
          name: 'newPin',
          label: t('secret.newPin'),
          minLength: minPinLength,
          maxLength: maxPinLength,
        },
        { name: 'newPin2', label: t('secret.newPinAgain'), repeatOf: 'newPin' },
      ]}
      submitLabel={t('secret.unlock')}
      onSubmit={({ puk, newPin }) => onUnlock(puk ?? '', newPin ?? '')}
    />
  );
}
