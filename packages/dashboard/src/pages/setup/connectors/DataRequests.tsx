import type { DataRequest } from '@comeback/contracts';
import { Button, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { get } from '../../../api/client';
import { QueryView } from '../../../components/QueryView';
import { useFormat, useT } from '../../../i18n/i18n';
import { saveBlob } from '../shared/download';
import { setupKeys } from '../shared/keys';
import type { ListOf } from '../shared/types';
import { connectorStrings } from './strings';

/** Who asked: the identifiers the shop sent (email, phone, customer id), as text. */
function whoAsked(identifiers: Record<string, unknown>): string {
  return Object.values(identifiers)
    .filter((v) => typeof v === 'string' || typeof v === 'number')
    .join(' · ');
}

export function DataRequests({ connectorId }: { connectorId: string }) {
  const t = useT(connectorStrings);
  const fmt = useFormat();
  const query = useQuery({
    queryKey: setupKeys.dataRequests(connectorId),
    queryFn: () =>
      get<ListOf<DataRequest>>(
        `/api/v1/connectors/${encodeURIComponent(connectorId)}/data-requests`,
      ),
  });
  return (
    <Stack gap="sm">
      <Title order={3} size="h4">
        {t('dataRequests')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('dataRequestsHint')}
      </Text>
      <QueryView query={query}>
        {({ data }) =>
          data.length === 0 ? (
            <Text c="dimmed" size="sm">
              {t('noDataRequests')}
            </Text>
          ) : (
            <Table data-testid="data-requests">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('received')}</Table.Th>
                  <Table.Th>{t('identifiers')}</Table.Th>
                  <Table.Th>{t('profilesFound')}</Table.Th>
                  <Table.Th>{t('actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>{fmt.dateTime(r.receivedAt)}</Table.Td>
                    <Table.Td>
                      <bdi>{whoAsked(r.identifiers)}</bdi>
                    </Table.Td>
                    <Table.Td>{fmt.number(r.profiles.length)}</Table.Td>
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="light"
                        onClick={() =>
                          saveBlob(
                            new Blob([JSON.stringify(r, null, 2)], { type: 'application/json' }),
                            `data-request-${r.id}.json`,
                          )
                        }
                      >
                        {t('downloadExport')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryView>
    </Stack>
  );
}
