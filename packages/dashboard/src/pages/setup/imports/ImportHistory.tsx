import type { ImportJobView } from '@comeback/contracts';
import { Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { get } from '../../../api/client';
import { useSession } from '../../../api/session';
import { QueryView } from '../../../components/QueryView';
import { useFormat, useT } from '../../../i18n/i18n';
import { setupKeys } from '../shared/keys';
import type { ListOf } from '../shared/types';
import { isFinished, percentOf, statusColor } from './progress';
import { importStrings } from './strings';

/** The API lists the latest imports by a limit (at most 200), newest first. */
const PAGE = 50;
const MAX = 200;

export function ImportHistory() {
  const t = useT(importStrings);
  const fmt = useFormat();
  const { canEdit } = useSession();
  const [limit, setLimit] = useState(PAGE);
  const query = useQuery({
    queryKey: [...setupKeys.importList, { limit }],
    queryFn: () => get<ListOf<ImportJobView>>('/api/v1/imports', { limit }),
    placeholderData: keepPreviousData,
    // While an import runs its row here moves too.
    refetchInterval: (q) => (q.state.data?.data.some((j) => !isFinished(j)) ? 2000 : false),
  });

  return (
    <Stack gap="sm">
      <Title order={2} size="h3">
        {t('historyTitle')}
      </Title>
      <QueryView query={query}>
        {({ data }) =>
          data.length === 0 ? (
            <Text c="dimmed" size="sm" data-testid="import-history-empty">
              {canEdit ? t('historyEmpty') : t('historyEmptyViewer')}
            </Text>
          ) : (
            <>
              <Table.ScrollContainer minWidth={720}>
                <Table verticalSpacing="xs" data-testid="import-history">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('when')}</Table.Th>
                      <Table.Th>{t('fileName')}</Table.Th>
                      <Table.Th>{t('kind')}</Table.Th>
                      <Table.Th>{t('status')}</Table.Th>
                      <Table.Th>{t('rows')}</Table.Th>
                      <Table.Th>{t('rejected')}</Table.Th>
                      <Table.Th>{t('actions')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.map((job) => (
                      <Table.Tr key={job.id} data-testid={`import-row-${job.id}`}>
                        <Table.Td>{fmt.dateTime(job.createdAt)}</Table.Td>
                        <Table.Td>
                          <bdi>{job.file}</bdi>
                        </Table.Td>
                        <Table.Td>{t(job.kind)}</Table.Td>
                        <Table.Td>
                          <Badge color={statusColor[job.status]} variant="light">
                            {t(job.status)}
                            {job.status === 'running' ? ` ${fmt.number(percentOf(job))}%` : ''}
                          </Badge>
                        </Table.Td>
                        <Table.Td>{fmt.number(job.summary?.rows ?? job.progress.rows)}</Table.Td>
                        <Table.Td>{fmt.number(job.summary?.rejected ?? null)}</Table.Td>
                        <Table.Td>
                          <Button
                            component={Link}
                            href={`/setup/imports/${encodeURIComponent(job.id)}`}
                            size="xs"
                            variant="light"
                            aria-label={t('detailsOf', { file: job.file })}
                          >
                            {t('details')}
                          </Button>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              {data.length >= limit && limit < MAX ? (
                <Group justify="center">
                  <Button
                    variant="light"
                    size="xs"
                    loading={query.isFetching}
                    onClick={() => setLimit((l) => Math.min(l + PAGE, MAX))}
                  >
                    {t('loadMore')}
                  </Button>
                </Group>
              ) : null}
            </>
          )
        }
      </QueryView>
    </Stack>
  );
}
