import { Alert, Tabs } from '@mantine/core';
import { Redirect, useLocation } from 'wouter';
import { useSession } from '../../api/session';
import { PageHeader } from '../../components/PageHeader';
import { useT } from '../../i18n/i18n';
import { ConnectorsTab } from './connectors/ConnectorsTab';
import { ImportsTab } from './imports/ImportsTab';
import { SftpTab } from './sftp/SftpTab';
import { setupStrings } from './strings';

const tabs = ['connectors', 'imports', 'sftp'] as const;
type Tab = (typeof tabs)[number];
const isTab = (v: string | undefined): v is Tab => tabs.some((t) => t === v);

/** /setup: connectors, imports and SFTP sources, one tab (and sub-route) each. */
export default function SetupPage() {
  const t = useT(setupStrings);
  const { canEdit } = useSession();
  const [location, navigate] = useLocation();
  const segment = location.split('/')[2];
  if (!isTab(segment)) return <Redirect to="/setup/connectors" replace />;

  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      {canEdit ? null : (
        <Alert color="gray" mb="md" data-testid="setup-read-only">
          {t('readOnly')}
        </Alert>
      )}
      <Tabs
        value={segment}
        onChange={(v) => {
          if (isTab(v ?? undefined)) navigate(`/setup/${v}`);
        }}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          {tabs.map((tab) => (
            <Tabs.Tab key={tab} value={tab} data-testid={`setup-tab-${tab}`}>
              {t(tab)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="connectors">
          <ConnectorsTab />
        </Tabs.Panel>
        <Tabs.Panel value="imports">
          <ImportsTab />
        </Tabs.Panel>
        <Tabs.Panel value="sftp">
          <SftpTab />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
