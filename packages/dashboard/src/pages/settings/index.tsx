import { Alert, Tabs } from '@mantine/core';
import { useLocation } from 'wouter';
import { useSession } from '../../api/session';
import { PageHeader } from '../../components/PageHeader';
import { useT } from '../../i18n/i18n';
import { KeysPanel } from './KeysPanel';
import { ModelsPanel } from './models/ModelsPanel';
import { SenderPanel } from './SenderPanel';
import { SendingRulesPanel } from './SendingRulesPanel';
import { settingsStrings } from './strings';
import { UsersPanel } from './UsersPanel';

const TABS = {
  keys: 'tabKeys',
  users: 'tabUsers',
  rules: 'tabRules',
  sender: 'tabSender',
  models: 'tabModels',
} as const;
type Tab = keyof typeof TABS;
const TAB_KEYS: readonly Tab[] = ['keys', 'users', 'rules', 'sender', 'models'];
const tabOf = (value: string | undefined): Tab | undefined => TAB_KEYS.find((tab) => tab === value);

/** /settings/<tab>: the tab is in the address, so a link can open it. */
export default function SettingsPage() {
  const t = useT(settingsStrings);
  const { isOwner } = useSession();
  const [location, navigate] = useLocation();
  const tab = tabOf(location.split('/')[2]) ?? 'keys';
  const ownerOnly = <Alert color="gray">{t('ownerOnly')}</Alert>;

  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <Tabs
        value={tab}
        onChange={(next) => next && navigate(`/settings/${next}`)}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          {TAB_KEYS.map((key) => (
            <Tabs.Tab key={key} value={key}>
              {t(TABS[key])}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="keys">{isOwner ? <KeysPanel /> : ownerOnly}</Tabs.Panel>
        <Tabs.Panel value="users">{isOwner ? <UsersPanel /> : ownerOnly}</Tabs.Panel>
        <Tabs.Panel value="rules">
          <SendingRulesPanel />
        </Tabs.Panel>
        <Tabs.Panel value="sender">
          <SenderPanel />
        </Tabs.Panel>
        <Tabs.Panel value="models">
          <ModelsPanel />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
