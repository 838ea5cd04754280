import type { BacktestTrace, BacktestTraceStep } from '@comeback/contracts';
import { Accordion, Code, Group, Table, Text, Title } from '@mantine/core';
import { useFormat, useT } from '../../../i18n/i18n';
import { channelKeys, journeyStrings, labelOf, outcomeKeys, stepTypeKeys } from '../strings';

/** A few customers followed step by step: when, what, and why. */
export function BacktestTraces({ traces }: { traces: BacktestTrace[] }) {
  const t = useT(journeyStrings);
  const format = useFormat();
  return (
    <section>
      <Title order={3} size="h4" mb="xs">
        {t('tracesTitle')}
      </Title>
      {traces.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('noTraces')}
        </Text>
      ) : (
        <Accordion variant="separated" multiple data-testid="backtest-traces">
          {traces.map((trace, i) => (
            <Accordion.Item key={`${trace.profileId}-${i}`} value={String(i)}>
              <Accordion.Control>
                <Group gap="sm">
                  <Code dir="ltr">{trace.profileId}</Code>
                  <Text size="sm">{format.dateTime(trace.enteredAt)}</Text>
                  <Text size="sm" c="dimmed">
                    {t('traceStatus', { status: labelOf(t, outcomeKeys, trace.status) })}
                  </Text>
                </Group>
              </Accordion.Control>
              <Accordion.Panel>
                <TraceTable steps={trace.steps} />
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      )}
    </section>
  );
}

function TraceTable({ steps }: { steps: BacktestTraceStep[] }) {
  const t = useT(journeyStrings);
  const format = useFormat();
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('colAt')}</Table.Th>
            <Table.Th>{t('colStep')}</Table.Th>
            <Table.Th>{t('colOutcome')}</Table.Th>
            <Table.Th>{t('colNext')}</Table.Th>
            <Table.Th>{t('colReason')}</Table.Th>
            <Table.Th>{t('colMessage')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {steps.map((s, i) => (
            <Table.Tr key={i}>
              <Table.Td>{format.dateTime(s.at)}</Table.Td>
              <Table.Td>
                <Code dir="ltr">{s.step}</Code> {labelOf(t, stepTypeKeys, s.stepType)}
              </Table.Td>
              <Table.Td>{labelOf(t, outcomeKeys, s.outcome)}</Table.Td>
              <Table.Td>{s.next ? <Code dir="ltr">{s.next}</Code> : '—'}</Table.Td>
              <Table.Td>{s.reason ? <bdi>{s.reason}</bdi> : '—'}</Table.Td>
              <Table.Td>
                {s.message ? (
                  <>
                    {labelOf(t, channelKeys, s.message.channel)} <bdi>{s.message.to}</bdi>
                    {s.message.subject ? (
                      <Text size="xs" c="dimmed">
                        <bdi>{s.message.subject}</bdi>
                      </Text>
                    ) : null}
                  </>
                ) : (
                  '—'
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
