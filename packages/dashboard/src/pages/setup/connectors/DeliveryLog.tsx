import { Badge, Button, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get } from '../../../api/client';
import { QueryView } from '../../../components/QueryView';
import { useFormat, useT } from '../../../i18n/i18n';
import { setupKeys } from '../shared/keys';
import type { Delivery, ListOf } from '../shared/types';
import { connectorStrings } from './strings';

/** The API pages the log by a growing limit (newest first), up to its maximum of 500. */
const PAGE = 50;
const MAX = 500;
const outcomeColor = { processed: 'teal', ignored: 'gray', failed: 'red' } as const;

export function DeliveryLog({ connectorId }: { connectorId: string }) {
  const t = useT(connectorStrings);
  const fmt = useFormat();
  const [failedOnly, setFailedOnly] = useState(false);
  const [limit, setLimit] = useState(PAGE);
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
            setLimit(PAGE);
          }}
          data={[
            { value: 'all', label: t('all') },
            { value: 'failed', label: t('onlyFailures') },
          ]}
          data-testid="delivery-filter"
        />
      </Group>
      <QueryView query={query}>
        {({ data }) =>
          data.length === 0 ? (
            <Text c="dimmed" size="sm">
              {failedOnly ? t('noFailures') : t('noDeliveries')}
            </Text>
          ) : (
            <>
              <Table.ScrollContainer minWidth={700}>
                <Table striped data-testid="delivery-log">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('received')}</Table.Th>
                      <Table.Th>{t('topic')}</Table.Th>
                      <Table.Th>{t('outcome')}</Table.Th>
                      <Table.Th>{t('events')}</Table.Th>
                      <Table.Th>{t('error')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.map((d) => (
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
                          {d.error ? (
                            <Text size="sm" c="red.8">
                              <bdi>{d.error}</bdi>
                            </Text>
                          ) : null}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Group justify="space-between">
                <Text size="xs" c="dimmed">
                  {t('showing', { count: fmt.number(data.length) })}
                </Text>
                {data.length >= limit && limit < MAX ? (
                  <Button
                    size="xs"
                    variant="light"
                    loading={query.isFetching}
                    onClick={() => setLimit((l) => Math.min(l + PAGE, MAX))}
                  >
                    {t('loadMore')}
                  </Button>
                ) : null}
              </Group>
            </>
          )
        }
      </QueryView>
    </Stack>
  );
}
