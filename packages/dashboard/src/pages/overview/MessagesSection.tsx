import { LineChart } from '@mantine/charts';
import { Paper, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { useFormat, useLocale, useT } from '../../i18n/i18n';
import { shortDay, useChartDirection } from './chart-direction';
import { Section } from './Section';
import { overviewStrings } from './strings';
import type { MessageCounts, Overview } from './types';

const KINDS = ['sent', 'delivered', 'opened', 'clicked'] as const;
const COLORS = { sent: 'blue.6', delivered: 'teal.6', opened: 'grape.6', clicked: 'orange.6' };

export function MessagesSection({ messages }: { messages: Overview['messages'] }) {
  const t = useT(overviewStrings);
  const f = useFormat();
  const { locale } = useLocale();
  const axes = useChartDirection();
  const totals = messages.byChannel.reduce<MessageCounts>(
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
          <Title order={3} size="h5" mb="xs">
            {t('messagesOverTime')}
          </Title>
          <LineChart
            h={240}
            data={messages.byDay.map((d) => ({ ...d, label: shortDay(d.day, locale) }))}
            dataKey="label"
            series={KINDS.map((kind) => ({ name: kind, label: t(kind), color: COLORS[kind] }))}
            curveType="monotone"
            withLegend
            withDots={false}
            valueFormatter={f.number}
            {...axes}
          />
          <Title order={3} size="h5" mt="md" mb="xs">
            {t('byChannel')}
          </Title>
          <Table.ScrollContainer minWidth={480}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('channel')}</Table.Th>
                  {KINDS.map((kind) => (
                    <Table.Th key={kind}>{t(kind)}</Table.Th>
                  ))}
                  <Table.Th>{t('failed')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {messages.byChannel.map((c) => (
                  <Table.Tr key={c.channel}>
                    <Table.Td>{t(c.channel)}</Table.Td>
                    {KINDS.map((kind) => (
                      <Table.Td key={kind}>{f.number(c[kind])}</Table.Td>
                    ))}
                    <Table.Td>{f.number(c.failed)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Section>
  );
}
