import type { ImportJobView } from '@comeback/contracts';
import { Alert, Anchor, Badge, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link } from 'wouter';
import { get } from '../../../api/client';
import { QueryView } from '../../../components/QueryView';
import { useFormat, useT } from '../../../i18n/i18n';
import { setupKeys } from '../shared/keys';
import { ImportSummary } from './ImportSummary';
import { isFinished, percentOf, statusColor } from './progress';
import { importStrings } from './strings';

/** /setup/imports/:id — an import's progress, polled every second until it ends. */
export function ImportDetail({ id }: { id: string }) {
  const t = useT(importStrings);
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: setupKeys.importJob(id),
    queryFn: () => get<ImportJobView>(`/api/v1/imports/${encodeURIComponent(id)}`),
    refetchInterval: (q) => (q.state.data && isFinished(q.state.data) ? false : 1000),
  });
  const finished = query.data ? isFinished(query.data) : false;
  useEffect(() => {
    // The history shows the final counts once the import is over.
    if (finished) void queryClient.invalidateQueries({ queryKey: setupKeys.importList });
  }, [finished, queryClient]);

  return (
    <Stack>
      <Anchor component={Link} href="/setup/imports" size="sm">
        {t('back')}
      </Anchor>
      <QueryView query={query}>{(job) => <ImportProgressView job={job} />}</QueryView>
    </Stack>
  );
}

function ImportProgressView({ job }: { job: ImportJobView }) {
  const t = useT(importStrings);
  const fmt = useFormat();
  const percent = percentOf(job);
  return (
    <Stack data-testid="import-detail" data-status={job.status}>
      <Group gap="sm">
        <Title order={2} size="h3">
          <bdi>{job.file}</bdi>
        </Title>
        <Badge variant="light">{t(job.kind)}</Badge>
        <Badge color={statusColor[job.status]} data-testid="import-status">
          {t(job.status)}
        </Badge>
      </Group>
      <Text size="sm" c="dimmed">
        {t('when')}: {fmt.dateTime(job.startedAt ?? job.createdAt)}
        {job.mapping ? (
          <>
            {' · '}
            {t('mappingUsed', { name: job.mapping })}
          </>
        ) : null}
      </Text>
      <Group gap="md" wrap="nowrap" align="center">
        <Progress.Root size="xl" style={{ flex: 1 }}>
          <Progress.Section
            value={percent}
            color={job.status === 'failed' ? 'red' : 'teal'}
            animated={!isFinished(job)}
            striped={!isFinished(job)}
            aria-label={t('progressLabel')}
            data-testid="import-progress"
          />
        </Progress.Root>
        <Text fw={700} miw={48} ta="end" data-testid="import-percent">
          {fmt.number(percent)}%
        </Text>
      </Group>
      <Text size="sm">{t('progressRows', { rows: fmt.number(job.progress.rows) })}</Text>
      {job.error ? (
        <Alert color="red" role="alert" data-testid="import-error">
          {job.error}
        </Alert>
      ) : null}
      {job.summary ? <ImportSummary job={job} summary={job.summary} /> : null}
    </Stack>
  );
}
