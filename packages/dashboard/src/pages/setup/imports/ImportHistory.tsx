import type { ImportJobView } from '@comeback/contracts';
import { Badge, Button, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { get } from '../../../api/client';
import { useSession } from '../../../api/session';
import { PagedLogTable, useGrowingLimit } from '../../../components/PagedLog';
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
  const pager = useGrowingLimit(PAGE, MAX);
  const { limit } = pager;
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
      <PagedLogTable
        query={query}
        pager={pager}
        empty={
          <Text c="dimmed" size="sm" data-testid="import-history-empty">
            {canEdit ? t('historyEmpty') : t('historyEmptyViewer')}
          </Text>
        }

        minWidth={720}
        verticalSpacing="xs"
        testId="import-history"
        columns={[
          t('when'),
          t('fileName'),
          t('kind'),
          t('status'),
          t('rows'),
          t('rejected'),
          t('actions'),
        ]}
      >
        {(job) => (
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
        )}
      </PagedLogTable>
    </Stack>
  );
}
