import type { Profile } from '@comeback/contracts';
import { Anchor, Badge, Group, Stack, Tabs, Text } from '@mantine/core';
import { useEffect, type ComponentType } from 'react';
import { Link, useLocation, useSearchParams } from 'wouter';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { useT } from '../../i18n/i18n';
import { useProfile } from './api';
import { ConsentSection } from './ConsentSection';
import { customerLabel } from './customer-name';
import { EraseProfile } from './EraseProfile';
import { EventsSection } from './EventsSection';
import { ExportProfile } from './ExportProfile';
import { JourneysSection } from './JourneysSection';
import { MessagesSection } from './MessagesSection';
import { OrdersSection } from './OrdersSection';
import { PredictionsSection } from './PredictionsSection';
import { ProfileSection } from './ProfileSection';
import { RecommendationsSection } from './RecommendationsSection';
import { SegmentsSection } from './SegmentsSection';
import { customerStrings } from './strings';

const tabs = [
  'profile',
  'consent',
  'predictions',
  'recommendations',
  'segments',
  'journeys',
  'messages',
  'orders',
  'events',
] as const;
type Tab = (typeof tabs)[number];
const isTab = (value: string | null): value is Tab => tabs.some((tab) => tab === value);

const sections: Record<Tab, ComponentType<{ profile: Profile }>> = {
  profile: ProfileSection,
  consent: ConsentSection,
  predictions: PredictionsSection,
  recommendations: RecommendationsSection,
  segments: SegmentsSection,
  journeys: JourneysSection,
  messages: MessagesSection,
  orders: OrdersSection,
  events: EventsSection,
};

/** One customer: a tab per part, the open tab in the URL (`?tab=journeys`) so it can be linked. */
export function CustomerPage({ id }: { id: string }) {
  const t = useT(customerStrings);
  const profile = useProfile(id);
  const [, navigate] = useLocation();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab: Tab = isTab(tabParam) ? tabParam : 'profile';

  // A merged-away id answers with the profile it was merged into: show that one's address.
  const survivor = profile.data?.id;
  useEffect(() => {
    if (survivor !== undefined && survivor !== id) {
      navigate(`/customers/${encodeURIComponent(survivor)}${window.location.search}`, {
        replace: true,
      });
    }
  }, [survivor, id, navigate]);

  return (
    <Stack gap="md">
      <Anchor component={Link} href="/customers" size="sm">
        {t('backToList')}
      </Anchor>
      <QueryView query={profile}>
        {(p) => (
          <>
            <PageHeader
              title={customerLabel(p)}
              actions={
                <>
                  <ExportProfile profileId={p.id} />
                  <EraseProfile profile={p} />
                </>
              }
            />
            <Group gap="xs" mt={-16}>
              <Text size="sm" c="dimmed">
                {t('profileId')} <bdi dir="ltr">{p.id}</bdi>
              </Text>
              {p.recreatedAfterErasure ? (
                <Badge color="orange" variant="light">
                  {t('recreatedAfterErasure')}
                </Badge>
              ) : null}
            </Group>
            <Tabs
              value={tab}
              keepMounted={false}
              onChange={(value) => {
                if (isTab(value)) setParams({ tab: value }, { replace: true });
              }}
            >
              <Tabs.List>
                {tabs.map((name) => (
                  <Tabs.Tab key={name} value={name} data-testid={`customer-tab-${name}`}>
                    {t(`tab_${name}`)}
                  </Tabs.Tab>
                ))}
              </Tabs.List>
              {tabs.map((name) => {
                const Section = sections[name];
                return (
                  <Tabs.Panel key={name} value={name} pt="md">
                    <Section profile={p} />
                  </Tabs.Panel>
                );
              })}
            </Tabs>
          </>
        )}
      </QueryView>
    </Stack>
  );
}
