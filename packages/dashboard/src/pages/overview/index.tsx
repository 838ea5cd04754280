import type { Overview } from '@comeback/contracts';
import '@mantine/charts/styles.css';
import { SegmentedControl, SimpleGrid, Stack } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get } from '../../api/client';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { useT } from '../../i18n/i18n';
import { ChurnSection, RepeatPurchaseSection } from './CustomersSection';
import { JourneysSection } from './JourneysSection';
import { MessagesSection } from './MessagesSection';
import { overviewStrings } from './strings';

const WINDOWS = { '7': 'days7', '30': 'days30', '90': 'days90', '365': 'days365' } as const;
type WindowDays = keyof typeof WINDOWS;
const windowOf = (value: string): WindowDays | undefined =>
  value === '7' || value === '30' || value === '90' || value === '365' ? value : undefined;

export default function OverviewPage() {
  const t = useT(overviewStrings);
  const [days, setDays] = useState<WindowDays>('30');
  const query = useQuery({
    queryKey: ['overview', days],
    // The server's clock decides "now" (a test clock included): only the span is sent.
    queryFn: () => get<Overview>('/api/v1/overview', { days }),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          <SegmentedControl
            aria-label={t('window')}
            value={days}
            onChange={(v) => setDays(windowOf(v) ?? '30')}
            data={Object.entries(WINDOWS).map(([value, key]) => ({ value, label: t(key) }))}
          />
        }
      />
      <QueryView query={query}>
        {(overview) => (
          <Stack gap="md">
            <MessagesSection messages={overview.messages} />
            <JourneysSection
              journeys={overview.journeys}
              days={overview.days}
              currency={overview.currency}
            />
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <RepeatPurchaseSection funnel={overview.repeatPurchase} />
              <ChurnSection churn={overview.churnRisk} />
            </SimpleGrid>
          </Stack>
        )}
      </QueryView>
    </>
  );
}
