import type { BacktestReport } from '@comeback/contracts';
import { Badge, Code, Group, Table, Title } from '@mantine/core';
import { useFormat, useT } from '../../../i18n/i18n';
import { journeyStrings, labelOf, outcomeKeys, stepTypeKeys } from '../strings';

/** Per-node counts: what each step would have done, and which edges were taken. */
export function BacktestSteps({ steps }: { steps: BacktestReport['steps'] }) {
  const t = useT(journeyStrings);
  const format = useFormat();
  return (
    <section>
      <Title order={3} size="h4" mb="xs">
        {t('stepsTitle')}
      </Title>
      <Table.ScrollContainer minWidth={600}>
        <Table withTableBorder striped data-testid="backtest-steps">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('colStep')}</Table.Th>
              <Table.Th>{t('colType')}</Table.Th>
              <Table.Th>{t('colWaiting')}</Table.Th>
              <Table.Th>{t('colOutcomes')}</Table.Th>
              <Table.Th>{t('colBranches')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {steps.map((s) => (
              <Table.Tr key={s.step} data-testid={`backtest-step-${s.step}`}>
                <Table.Td>
                  <Code dir="ltr">{s.step}</Code>
                </Table.Td>
                <Table.Td>{labelOf(t, stepTypeKeys, s.type)}</Table.Td>
                <Table.Td>{format.number(s.waiting)}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {Object.entries(s.outcomes).map(([outcome, n]) => (
                      <Badge key={outcome} variant="light" data-outcome={outcome}>
                        {labelOf(t, outcomeKeys, outcome)} {format.number(n)}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {Object.entries(s.branches).map(([next, n]) => (
                      <Badge key={next} variant="outline" color="gray" tt="none">
                        <bdi>{next}</bdi> {format.number(n)}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </section>
  );
}
