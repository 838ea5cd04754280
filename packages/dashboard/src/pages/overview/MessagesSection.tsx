import type { Overview } from '@comeback/contracts';
import { Paper, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { DataTable } from '../../components/DataTable';
import { useFormat, useT } from '../../i18n/i18n';
import { DailyChart } from './DailyChart';
import { Section } from './Section';
import { overviewStrings } from './strings';

const KINDS = ['sent', 'delivered', 'opened', 'clicked'] as const;
const COLORS = { sent: 'blue.6', delivered: 'teal.6', opened: 'grape.6', clicked: 'orange.6' };

export function MessagesSection({ messages }: { messages: Overview['messages'] }) {
  const t = useT(overviewStrings);
  const f = useFormat();
  const totals = messages.byChannel.reduce<Record<(typeof KINDS)[number], number>>(
    (sum, c) => ({
      sent: sum.sent + c.sent,
      delivered: sum.delivered + c.delivered,
      opened: sum.opened + c.opened,
      clicked: sum.clicked + c.clicked,
    }),
    { sent: 0, delivered: 0, opened: 0, clicked: 0 },
  );
  const rate = (n: number) => (totals.sent > 0 ? f.percent(n / totals.sent) : '—');

  return (
    <Section title={t('messagesTitle')}>
      <SimpleGrid cols={{ base: 2, md: 4 }} mb="md">
        {KINDS.map((kind) => (
          <Paper key={kind} withBorder p="sm" radius="md">
            <Text size="sm" c="dimmed">
              {t(kind)}
            </Text>
            <Text fw={700} size="xl" data-testid={`overview-${kind}`}>
              {f.number(totals[kind])}
            </Text>
            {kind !== 'sent' ? (
              <Text size="xs" c="dimmed">
                {t('ofSent', { rate: rate(totals[kind]) })}
              </Text>
            ) : null}
          </Paper>
        ))}
      </SimpleGrid>
      {totals.sent === 0 && messages.byChannel.length === 0 ? (
        <Text c="dimmed">{t('noMessages')}</Text>
      ) : (
        <>
          <DailyChart
            title={t('messagesOverTime')}
            data={messages.byDay}
            series={KINDS.map((kind) => ({ name: kind, label: t(kind), color: COLORS[kind] }))}
            valueFormatter={f.number}
          />
          <Title order={3} size="h5" mt="md" mb="xs">
            {t('byChannel')}
          </Title>
          <DataTable
            minWidth={480}
            striped
            columns={[t('channel'), ...KINDS.map((kind) => t(kind)), t('failed')]}
          >
            {messages.byChannel.map((c) => (
              <Table.Tr key={c.channel}>
                <Table.Td>{t(c.channel)}</Table.Td>
                {KINDS.map((kind) => (
                  <Table.Td key={kind}>{f.number(c[kind])}</Table.Td>
                ))}
                <Table.Td>{f.number(c.failed)}</Table.Td>
              </Table.Tr>
            ))}
          </DataTable>
        </>
      )}
    </Section>
  );
}
