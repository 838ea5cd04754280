import type { Profile, ProfilePredictions } from '@comeback/contracts';
import { Badge, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { QueryView } from '../../components/QueryView';
import { useFormat, useT } from '../../i18n/i18n';
import { useExplanation } from './api';
import { EmptyNote } from './EmptyNote';
import { PredictionExplanationView } from './PredictionExplanationView';
import { FindingsText } from './PredictionFindings';
import { insightStrings } from './insight-strings';

const riskColor = { low: 'green', medium: 'yellow', high: 'red' } as const;

function PredictionStats({ predictions }: { predictions: ProfilePredictions }) {
  const t = useT(insightStrings);
  const format = useFormat();
  const stats: [string, ReactNode][] = [
    [
      t('p_churn_risk'),
      <Badge key="risk" color={riskColor[predictions.churn_risk]} variant="light">
        {t(`risk_${predictions.churn_risk}`)}
      </Badge>,
    ],
    [t('p_alive'), format.percent(predictions.p_alive)],
    [t('p_expected_orders_90d'), format.number(round(predictions.expected_orders_90d))],
    [t('p_expected_orders_365d'), format.number(round(predictions.expected_orders_365d))],
    [t('p_clv'), format.number(round(predictions.predicted_clv_365d))],
    [
      t('p_next_order'),
      predictions.expected_next_order_at
        ? format.date(predictions.expected_next_order_at)
        : t('p_not_within_year'),
    ],
    [t('p_method'), t(`method_${predictions.method}`)],
    [
      t('p_quality'),
      <Badge
        key="quality"
        color={predictions.quality === 'good' ? 'green' : 'orange'}
        variant="light"
        data-testid="prediction-quality"
      >
        {t(`quality_${predictions.quality}`)}
      </Badge>,
    ],
    [t('p_computed_at'), format.dateTime(predictions.computed_at)],
  ];
  return (
    <Stack gap="xs">
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" data-testid="customer-predictions">
        {stats.map(([label, value]) => (
          <div key={label}>
            <Text size="xs" c="dimmed">
              {label}
            </Text>
            <Text size="sm" component="div">
              {value}
            </Text>
          </div>
        ))}
      </SimpleGrid>
      {predictions.quality === 'weak' ? (
        <Text size="sm" c="dimmed" data-testid="prediction-weak">
          {t('weakNote')}
          {predictions.quality_findings.length > 0 || predictions.quality_reason ? (
            <>
              {' '}
              <FindingsText
                findings={predictions.quality_findings}
                fallback={predictions.quality_reason}
              />
            </>
          ) : null}
        </Text>
      ) : null}
    </Stack>
  );
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Customer value and churn, then how each number was worked out. */
export function PredictionsSection({ profile }: { profile: Profile }) {
  const t = useT(insightStrings);
  const explanation = useExplanation(profile.id);
  return (
    <Stack gap="xl">
      <section>
        <Title order={2} size="h4" mb="sm">
          {t('predictionsTitle')}
        </Title>
        {profile.predictions ? (
          <PredictionStats predictions={profile.predictions} />
        ) : (
          <EmptyNote title={t('noPredictions')} hint={t('noPredictionsHint')} />
        )}
      </section>
      {profile.predictions ? (
        <section>
          <Title order={2} size="h4" mb="sm">
            {t('explanationTitle')}
          </Title>
          <QueryView query={explanation}>
            {(data) =>
              data ? (
                <PredictionExplanationView explanation={data} />
              ) : (
                <EmptyNote title={t('noPredictions')} hint={t('noPredictionsHint')} />
              )
            }
          </QueryView>
        </section>
      ) : null}
    </Stack>
  );
}
