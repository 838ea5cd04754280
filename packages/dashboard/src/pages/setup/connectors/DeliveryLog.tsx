import type { Delivery } from '@comeback/contracts';
import { Badge, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get } from '../../../api/client';
import { PagedLogTable, useGrowingLimit } from '../../../components/PagedLog';
import { useFormat, useT } from '../../../i18n/i18n';
import { ErrorText } from '../shared/ErrorText';
import { setupKeys } from '../shared/keys';
import type { ListOf } from '../shared/types';
import { connectorStrings } from './strings';

/** The API pages the log by a growing limit (newest first), up to its maximum of 500. */
const PAGE = 50;
const MAX = 500;
const outcomeColor = { processed: 'teal', ignored: 'gray', failed: 'red' } as const;

export function DeliveryLog({ connectorId }: { connectorId: string }) {
  const t = useT(connectorStrings);
  const fmt = useFormat();
  const [failedOnly, setFailedOnly] = useState(false);
  const pager = useGrowingLimit(PAGE, MAX);
  const { limit } = pager;
  const query = useQuery({
    queryKey: setupKeys.deliveries(connectorId, failedOnly, limit),
    queryFn: () =>
      get<ListOf<Delivery>>(`/api/v1/connectors/${encodeURIComponent(connectorId)}/deliveries`, {
        limit,
        failed: failedOnly,
      }),
    placeholderData: keepPreviousData,
  });

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={3} size="h4">
          {t('log')}
        </Title>
        <SegmentedControl
          aria-label={t('log')}
          size="xs"
          value={failedOnly ? 'failed' : 'all'}
          onChange={(v) => {
            setFailedOnly(v === 'failed');
            pager.restart();
          }}
          data={[
            { value: 'all', label: t('all') },
            { value: 'failed', label: t('onlyFailures') },
          ]}
          data-testid="delivery-filter"
        />
      </Group>
      <PagedLogTable
        query={query}
        pager={pager}
        count
        empty={
          <Text c="dimmed" size="sm">
            {failedOnly ? t('noFailures') : t('noDeliveries')}
          </Text>
        }

        minWidth={700}
        striped
        testId="delivery-log"
        columns={[t('received'), t('topic'), t('outcome'), t('events'), t('error')]}
      >
        {(d) => (
          <Table.Tr key={d.deliveryId} data-outcome={d.outcome}>
            <Table.Td>{fmt.dateTime(d.receivedAt)}</Table.Td>
            <Table.Td>
              <bdi>{d.topic}</bdi>
            </Table.Td>
            <Table.Td>
              <Badge color={outcomeColor[d.outcome]} variant="light">
                {t(d.outcome)}
              </Badge>
            </Table.Td>
            <Table.Td>{fmt.number(d.events)}</Table.Td>
            <Table.Td>
              <ErrorText error={d.error} />
            </Table.Td>
          </Table.Tr>
        )}
      </PagedLogTable>
    </Stack>
  );
}
