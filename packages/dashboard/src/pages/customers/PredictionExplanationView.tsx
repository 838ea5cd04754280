import type { PredictionExplanation } from '@comeback/contracts';
import { Code, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useFormat, useT } from '../../i18n/i18n';
import { FindingsText, useFindingText } from './PredictionFindings';
import { insightStrings } from './insight-strings';

type Value = number | string | null;

function useShowValue() {
  const format = useFormat();
  return (value: Value) =>
    typeof value === 'number' ? format.number(Math.round(value * 10_000) / 10_000) : (value ?? '—');
}

/** The model's inputs for this person, then every formula with its terms, as the API gives. */
export function PredictionExplanationView({ explanation }: { explanation: PredictionExplanation }) {
  const t = useT(insightStrings);
  const format = useFormat();
  const show = useShowValue();
  const findingText = useFindingText();
  const { inputs, thresholds } = explanation;
  const rulesReason = explanation.reasonCode
    ? findingText({ code: explanation.reasonCode, params: explanation.reasonParams ?? {} })
    : null;
  const inputRows: [string, string, Value][] = [
    ['x', t('in_x'), inputs.x],
    ['t_x', t('in_t_x'), inputs.t_x],
    ['T', t('in_T'), inputs.T],
    ['recency', t('in_recency'), inputs.recency_weeks],
    ['m', t('in_monetary'), inputs.monetary],
    ['aov', t('in_aov'), inputs.average_order_value],
  ];
  return (
    <Stack gap="md" data-testid="prediction-explanation">
      <Text size="sm">
        {t('explanationIntro', {
          method: t(`method_${explanation.method}`),
          customers: format.number(explanation.run.customers),
          fitted: format.dateTime(explanation.run.fittedAt),
        })}
      </Text>
      {explanation.reason || rulesReason ? (
        <Text size="sm" c="dimmed" data-testid="prediction-rules-reason">
          {t('rulesReason')} {rulesReason ?? <bdi>{explanation.reason}</bdi>}
        </Text>
      ) : null}
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm">
        {inputRows.map(([symbol, label, value]) => (
          <div key={symbol}>
            <Text size="xs" c="dimmed">
              {label} (<bdi dir="ltr">{symbol}</bdi>)
            </Text>
            <Text size="sm">{show(value)}</Text>
          </div>
        ))}
      </SimpleGrid>
      <Text size="sm">
        {t('thresholds', {
          score: thresholds.score,
          high: show(thresholds.high),
          medium: show(thresholds.medium),
        })}
      </Text>
      <Title order={3} size="h5">
        {t('formulasTitle')}
      </Title>
      <Table.ScrollContainer minWidth={640}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('colQuantity')}</Table.Th>
              <Table.Th>{t('colFormula')}</Table.Th>
              <Table.Th>{t('colTerms')}</Table.Th>
              <Table.Th ta="end">{t('colValue')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {explanation.steps.map((step) => (
              <Table.Tr key={step.quantity}>
                <Table.Td>
                  <bdi dir="ltr">{step.quantity}</bdi>
                </Table.Td>
                {step.quantity === 'quality' ? (
                  // Not a formula: why the fit is weak, worded from its findings.
                  <Table.Td data-testid="prediction-quality-step">
                    <Text size="sm">
                      {t('qualityStep')}{' '}
                      <FindingsText
                        findings={explanation.run.quality?.findings ?? []}
                        fallback={step.formula}
                      />
                    </Text>
                  </Table.Td>
                ) : (
                  <Table.Td dir="ltr">
                    <Code>{step.formula}</Code>
                  </Table.Td>
                )}
                <Table.Td dir="ltr">
                  <Text size="xs" ff="monospace">
                    {Object.entries(step.terms)
                      .map(([name, value]) => `${name} = ${show(value)}`)
                      .join(', ')}
                  </Text>
                </Table.Td>
                <Table.Td ta="end">{show(step.value)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
