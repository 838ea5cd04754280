import { fitStages, type FitStage } from '@comeback/contracts';
import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { get, post } from '../../../api/client';
import { useSession } from '../../../api/session';
import { ErrorAlert } from '../../../components/QueryView';
import { useT } from '../../../i18n/i18n';
import { modelStrings } from './strings';

/** What both insight fits answer (POST .../fit → 202, GET .../fits/{id}). */
export interface FitJob {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: number;
  /** A fitStages code; typed loosely so a stage a newer server adds still shows. */
  stage: string | null;
  error: string | null;
}

const isStage = (stage: string): stage is FitStage => fitStages.some((s) => s === stage);

const POLL_MS = 1_000;
const unfinished = (fit: FitJob | null | undefined) =>
  fit?.status === 'queued' || fit?.status === 'running';

/**
 * "Fit now" for one model family: queues a fit and follows it to the end (a fit takes seconds
 * to minutes on a large store, so the API answers at once and this polls), then refreshes
 * `refresh`. A fit already under way (the daily one, or another user's) is followed too.
 */
export function FitNow(props: {
  /** `/api/v1/insights/customer-value` or `/api/v1/insights/recommendations`. */
  base: string;
  /** The fit under way when the page opened, if any. */
  current: FitJob | null;
  refresh: readonly unknown[];
  testId: string;
}) {
  const t = useT(modelStrings);
  const { canEdit } = useSession();
  const client = useQueryClient();
  const [followed, setFollowed] = useState<string | null>(
    unfinished(props.current) ? (props.current?.id ?? null) : null,
  );
  const start = useMutation({
    mutationFn: () => post<FitJob>(`${props.base}/fit`, {}),
    onSuccess: (fit) => setFollowed(fit.id),
  });
  const fit = useQuery({
    queryKey: ['models', 'fit', followed],
    queryFn: () => get<FitJob>(`${props.base}/fits/${encodeURIComponent(followed ?? '')}`),
    enabled: followed !== null,
    refetchInterval: (q) => (unfinished(q.state.data) || !q.state.data ? POLL_MS : false),
  });
  const status = fit.data?.status;
  useEffect(() => {
    if (status === 'succeeded') void client.invalidateQueries({ queryKey: props.refresh });
  }, [status, client, props.refresh]);

  const job = fit.data;
  const busy = start.isPending || unfinished(job);
  const stage = job?.stage ?? null;
  // The stage in the reader's language; a code this dashboard does not know, as sent.
  const stageText = stage === null ? '' : isStage(stage) ? t(`stage_${stage}`) : stage;
  return (
    <Stack gap="xs" data-testid={props.testId}>
      {canEdit ? (
        <Group>
          <Button
            onClick={() => start.mutate()}
            loading={busy}
            data-testid={`${props.testId}-button`}
          >
            {t('fitNow')}
          </Button>
        </Group>
      ) : null}
      {job ? (
        <>
          {unfinished(job) ? (
            <Progress value={Math.round(job.progress * 100)} aria-label={t('fitNow')} animated />
          ) : null}
          <Text
            size="sm"
            role="status"
            data-testid={`${props.testId}-status`}
            data-status={job.status}
            data-stage={job.stage ?? undefined}
          >
            {job.status === 'queued'
              ? t('fitQueued')
              : job.status === 'running'
                ? t('fitRunning', { stage: stageText })
                : job.status === 'succeeded'
                  ? stage === 'skipped_unchanged'
                    ? t('fitSkipped')
                    : t('fitDone')
                  : t('fitFailed', { error: job.error ?? '' })}
          </Text>
        </>
      ) : null}
      <ErrorAlert error={start.error ?? fit.error} title={t('fitNow')} />
    </Stack>
  );
}
