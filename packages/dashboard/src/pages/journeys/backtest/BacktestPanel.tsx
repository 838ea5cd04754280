import type { BacktestReport } from '@comeback/contracts';
import { Button, Group, NumberInput, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, post } from '../../../api/client';
import { ErrorAlert } from '../../../components/QueryView';
import { useT } from '../../../i18n/i18n';
import { journeyPath } from '../list/journey-queries';
import { journeyStrings } from '../strings';
import { BacktestResult } from './BacktestResult';

const MAX_DAYS = 365;
const MAX_SAMPLES = 50;

/**
 * Replays the last N days through the journey's draft (POST /journeys/:id/backtest) and shows
 * what each step would have done. It only reads, so viewers may run it too.
 */
export function BacktestPanel({ journeyId }: { journeyId: string }) {
  const t = useT(journeyStrings);
  const [days, setDays] = useState<number | string>(30);
  const [samples, setSamples] = useState<number | string>(5);
  const run = useMutation({
    mutationFn: (body: { days: number; samples: number }) =>
      post<BacktestReport>(`${journeyPath(journeyId)}/backtest`, body),
  });
  const fieldError = (field: string) =>
    run.error instanceof ApiError ? run.error.fieldMessage(field) : undefined;
  const daysValid =
    typeof days === 'number' && Number.isInteger(days) && days >= 1 && days <= MAX_DAYS;
  const samplesValid =
    typeof samples === 'number' &&
    Number.isInteger(samples) &&
    samples >= 0 &&
    samples <= MAX_SAMPLES;
  const otherError = run.error && !fieldError('days') && !fieldError('samples') ? run.error : null;

  return (
    <Stack gap="md" data-testid="backtest-panel">
      <Title order={2} size="h3">
        {t('backtestTitle')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('backtestIntro')}
      </Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (typeof days === 'number' && typeof samples === 'number')
            run.mutate({ days, samples });
        }}
      >
        <Group align="flex-end" gap="sm">
          <NumberInput
            label={t('days')}
            description={t('daysHint')}
            value={days}
            onChange={setDays}
            min={1}
            max={MAX_DAYS}
            allowDecimal={false}
            allowNegative={false}
            clampBehavior="strict"
            error={fieldError('days')}
            w={180}
            data-testid="backtest-days"
          />
          <NumberInput
            label={t('samples')}
            description={t('samplesHint')}
            value={samples}
            onChange={setSamples}
            min={0}
            max={MAX_SAMPLES}
            allowDecimal={false}
            allowNegative={false}
            clampBehavior="strict"
            error={fieldError('samples')}
            w={220}
          />
          <Button
            type="submit"
            loading={run.isPending}
            disabled={!daysValid || !samplesValid}
            data-testid="backtest-run"
          >
            {t('runBacktest')}
          </Button>
        </Group>
      </form>
      <ErrorAlert error={otherError} />
      {run.data ? <BacktestResult report={run.data} /> : null}
    </Stack>
  );
}
