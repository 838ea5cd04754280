import type { FlowSummary } from '@comeback/contracts';
import { SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get } from '../../../api/client';
import { useSession } from '../../../api/session';
import { PageHeader } from '../../../components/PageHeader';
import { QueryView } from '../../../components/QueryView';
import { useT } from '../../../i18n/i18n';
import { journeyKeys } from '../list/journey-queries';
import { EnableFlowModal } from './EnableFlowModal';
import { FlowCard } from './FlowCard';
import { categoryKeys, flowLabel, flowStrings } from './strings';

const fetchFlows = async () =>
  (await get<{ data: FlowSummary[] }>('/api/v1/journey-templates')).data;

/** Flows grouped by category: the known categories in their order, then any new ones. */
function byCategory(flows: FlowSummary[]): [string, FlowSummary[]][] {
  const order = Object.keys(categoryKeys);
  const groups = new Map<string, FlowSummary[]>();
  for (const flow of flows) groups.set(flow.category, [...(groups.get(flow.category) ?? []), flow]);
  const rank = (c: string) => (order.includes(c) ? order.indexOf(c) : order.length);
  return [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b));
}

/** `/flows`: the flow library gallery; editors enable a flow with its parameters. */
export function FlowLibraryPage() {
  const t = useT(flowStrings);
  const { canEdit } = useSession();
  const flows = useQuery({ queryKey: journeyKeys.flows, queryFn: fetchFlows, staleTime: 300_000 });
  const [enabling, setEnabling] = useState<FlowSummary | null>(null);

  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <QueryView query={flows}>
        {(list) =>
          list.length === 0 ? (
            <Text c="dimmed">{t('empty')}</Text>
          ) : (
            <Stack gap="xl">
              {byCategory(list).map(([category, inCategory]) => (
                <section key={category} data-testid={`flow-category-${category}`}>
                  <Title order={2} size="h3" mb="sm">
                    {flowLabel(t, categoryKeys, category)}
                  </Title>
                  <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
                    {inCategory.map((flow) => (
                      <FlowCard
                        key={flow.id}
                        flow={flow}
                        canEdit={canEdit}
                        onEnable={() => setEnabling(flow)}
                      />
                    ))}
                  </SimpleGrid>
                </section>
              ))}
            </Stack>
          )
        }
      </QueryView>
      {enabling && canEdit ? (
        <EnableFlowModal key={enabling.id} flow={enabling} onClose={() => setEnabling(null)} />
      ) : null}
    </>
  );
}
