import { useTranslation } from 'react-i18next';

export type Tab = 'sign' | 'helpdesk' | 'settings';
const TABS: Tab[] = ['sign', 'helpdesk', 'settings'];

export function Navigation({ current, onChange }: { current: Tab; onChange: (tab: Tab) => void }) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('nav.label')}>
      <ul className="nav">
        {TABS.map((tab) => (
          <li key={tab}>
            <button
              type="button"
              className="nav-item"
              aria-current={tab === current ? 'page' : undefined}
              onClick={() => onChange(tab)}
            >
              {t(`nav.${tab}`)}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
