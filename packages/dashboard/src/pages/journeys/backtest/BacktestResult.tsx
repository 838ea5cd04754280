import type { BacktestReport } from '@comeback/contracts';
import { Group, List, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useFormat, useT } from '../../../i18n/i18n';
import { channelKeys, journeyStrings, labelOf, type JourneyStringKey } from '../strings';
import { BacktestSteps } from './BacktestSteps';
import { BacktestTraces } from './BacktestTraces';

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg">
        {value}
      </Text>
    </Paper>
  );
}

/** One backtest's answer: totals, messages, per-step counts, sample traces and assumptions. */
export function BacktestResult({ report }: { report: BacktestReport }) {
  const t = useT(journeyStrings);
  const format = useFormat();
  const totals: [JourneyStringKey, number][] = [
    ['entered', report.entered],
    ['profiles', report.profiles],
    ['converted', report.converted],
    ['completed', report.completed],
    ['exited', report.exited],
    ['waiting', report.waiting],
    ['events', report.events],
    ['segmentChanges', report.segmentChanges],
  ];
  const m = report.messages;
  const messageTotals: [JourneyStringKey, number][] = [
    ['messagesTotal', m.total],
    ['attributed', m.attributed],
    ['delayedBudget', m.delayedByBudget],
    ['delayedQuiet', m.delayedByQuietHours],
    ['rendered', m.rendered],
  ];
  const skipped = Object.entries(m.skipped);
  const channels = Object.entries(m.byChannel);

  return (
    <Stack gap="lg" data-testid="backtest-result">
      <Text size="sm" c="dimmed">
        {t('period', { from: format.dateTime(report.from), to: format.dateTime(report.to) })}
      </Text>
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }}>
        {totals.map(([key, value]) => (
          <Stat key={key} label={t(key)} value={format.number(value)} testId={`backtest-${key}`} />
        ))}
        <Stat
          label={t('revenue')}
          value={format.number(report.revenue)}
          testId="backtest-revenue"
        />
      </SimpleGrid>
      {report.holdout.entered > 0 ? (
        <Text size="sm">
          {t('holdout', {
            entered: format.number(report.holdout.entered),
            converted: format.number(report.holdout.converted),
          })}
        </Text>
      ) : null}

      <section>
        <Title order={3} size="h4" mb="xs">
          {t('messagesTitle')}
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} mb="sm">
          {messageTotals.map(([key, value]) => (
            <Stat
              key={key}
              label={t(key)}
              value={format.number(value)}
              testId={`backtest-${key}`}
            />
          ))}
        </SimpleGrid>
        <Group align="flex-start" gap="xl">
          <div>
            <Text fw={600} size="sm">
              {t('byChannel')}
            </Text>
            <List size="sm">
              {channels.map(([channel, n]) => (
                <List.Item key={channel}>
                  {labelOf(t, channelKeys, channel)}: {format.number(n)}
                </List.Item>
              ))}
            </List>
          </div>
          <div>
            <Text fw={600} size="sm">
              {t('skippedTitle')}
            </Text>
            {skipped.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('noneSkipped')}
              </Text>
            ) : (
              <List size="sm" data-testid="backtest-skipped">
                {skipped.map(([reason, n]) => (
                  <List.Item key={reason}>
                    <bdi>{reason}</bdi>: {format.number(n)}
                  </List.Item>
                ))}
              </List>
            )}
          </div>
        </Group>
      </section>

      <BacktestSteps steps={report.steps} />
      <BacktestTraces traces={report.sampleTraces} />

      {report.notes.length > 0 ? (
        <section>
          <Title order={3} size="h4" mb="xs">
            {t('notesTitle')}
          </Title>
          <List size="sm">
            {report.notes.map((note) => (
              <List.Item key={note}>
                <bdi>{note}</bdi>
              </List.Item>
            ))}
          </List>
        </section>
      ) : null}
    </Stack>
  );
}
