import type { Overview } from '@comeback/contracts';
import { BarChart, DonutChart } from '@mantine/charts';
import { Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { useFormat, useT } from '../../i18n/i18n';
import { useChartDirection } from './chart-direction';
import { Section } from './Section';
import { overviewStrings } from './strings';

export function RepeatPurchaseSection({ funnel }: { funnel: Overview['repeatPurchase'] }) {
  const t = useT(overviewStrings);
  const f = useFormat();
  const axes = useChartDirection();
  return (
    <Section title={t('repeatTitle')} note={t('repeatNote')}>
      <div data-testid="overview-funnel">
        {funnel.buyers === 0 ? (
          <Text c="dimmed">{t('noBuyers')}</Text>
        ) : (
          <Stack gap="sm">
            <SimpleGrid cols={2}>
              <Rate label={t('firstToSecond')} value={f.percent(funnel.secondRate)} />
              <Rate label={t('secondToThird')} value={f.percent(funnel.thirdRate)} />
            </SimpleGrid>
            <BarChart
              h={200}
              data={[
                { step: t('buyers'), customers: funnel.buyers },
                { step: t('secondOrder'), customers: funnel.secondOrder },
                { step: t('thirdOrder'), customers: funnel.thirdOrder },
              ]}
              dataKey="step"
              series={[{ name: 'customers', label: t('customers'), color: 'teal.6' }]}
              orientation="vertical"
              valueFormatter={f.number}
              withBarValueLabel
              xAxisProps={axes.xAxisProps}
              yAxisProps={{ ...axes.yAxisProps, width: 150 }}
            />
          </Stack>
        )}
      </div>
    </Section>
  );
}

function Rate({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl">
        {value}
      </Text>
    </div>
  );
}

const RISK_COLORS = { low: 'teal.6', medium: 'yellow.6', high: 'red.6' } as const;

export function ChurnSection({ churn }: { churn: Overview['churnRisk'] }) {
  const t = useT(overviewStrings);
  const f = useFormat();
  if (!churn) {
    return (
      <Section title={t('churnTitle')}>
        <Text c="dimmed">{t('noChurn')}</Text>
      </Section>
    );
  }
  const risks = ['low', 'medium', 'high'] as const;
  const total = risks.reduce((sum, r) => sum + churn.counts[r], 0);
  return (
    <Section
      title={t('churnTitle')}
      note={t('churnNote', { date: f.dateTime(churn.fittedAt), method: t(churn.method) })}
    >
      <Group gap="xl" wrap="wrap" data-testid="overview-churn">
        <DonutChart
          data={risks.map((r) => ({ name: t(r), value: churn.counts[r], color: RISK_COLORS[r] }))}
          chartLabel={f.number(total)}
          valueFormatter={f.number}
          size={160}
          thickness={24}
        />
        <Stack gap={4}>
          {risks.map((r) => (
            <Text key={r} size="sm">
              <Text span fw={700} c={RISK_COLORS[r]}>
                ●
              </Text>{' '}
              {t(r)}: {f.number(churn.counts[r])} (
              {total > 0 ? f.percent(churn.counts[r] / total) : '—'})
            </Text>
          ))}
        </Stack>
      </Group>
    </Section>
  );
}
