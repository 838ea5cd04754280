import type { ImportJobView } from '@comeback/contracts';
import { Button, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { ErrorAlert } from '../../../components/QueryView';
import { useFormat, useT } from '../../../i18n/i18n';
import { downloadApiFile } from '../shared/download';
import { importStrings } from './strings';

type Summary = NonNullable<ImportJobView['summary']>;

/** The counts of a finished import, its first problems and its rejected rows. */
export function ImportSummary({ job, summary }: { job: ImportJobView; summary: Summary }) {
  const t = useT(importStrings);
  const fmt = useFormat();
  const download = useMutation({
    mutationFn: () => {
      const extension = summary.rejectedFile?.endsWith('.csv') ? 'csv' : 'jsonl';
      return downloadApiFile(
        `/api/v1/imports/${encodeURIComponent(job.id)}/rejected`,
        `${job.file}.rejected.${extension}`,
      );
    },
  });
  const counts = [
    ['rows', summary.rows],
    ['imported', summary.imported],
    ['updated', summary.updated],
    ['unchanged', summary.unchanged],
    ['rejected', summary.rejected],
  ] as const;

  return (
    <Stack data-testid="import-summary">
      <SimpleGrid cols={{ base: 2, sm: 5 }}>
        {counts.map(([key, value]) => (
          <div key={key}>
            <Text size="xs" c="dimmed">
              {t(key)}
            </Text>
            <Text fw={700} size="lg" data-testid={`import-count-${key}`}>
              {fmt.number(value)}
            </Text>
          </div>
        ))}
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        {t('duration', { seconds: fmt.number(Math.round(summary.durationMs / 100) / 10) })}
      </Text>
      {summary.unknownColumns.length > 0 ? (
        <Text size="sm">{t('unknownColumns', { columns: summary.unknownColumns.join(', ') })}</Text>
      ) : null}
      {summary.errors.length > 0 ? (
        <>
          <Title order={3} size="h4">
            {t('problems')}
          </Title>
          <List size="sm" spacing={4}>
            {summary.errors.slice(0, 20).map((e, i) => (
              <List.Item key={i}>
                {t('line', { line: fmt.number(e.line) })}: <bdi>{e.message}</bdi>
              </List.Item>
            ))}
          </List>
        </>
      ) : null}
      {summary.rejected > 0 && summary.rejectedFile ? (
        <Group>
          <Button
            variant="light"
            onClick={() => download.mutate()}
            loading={download.isPending}
            data-testid="import-download-rejected"
          >
            {t('downloadRejected')}
          </Button>
        </Group>
      ) : null}
      <ErrorAlert error={download.error} />
    </Stack>
  );
}
