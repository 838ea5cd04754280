import type { Overview } from '@comeback/contracts';
import { Anchor, Table, Text } from '@mantine/core';
import { Link } from 'wouter';
import { DataTable } from '../../components/DataTable';
import { useFormat, useT } from '../../i18n/i18n';
import { DailyChart } from './DailyChart';
import { Section } from './Section';
import { overviewStrings } from './strings';

const PALETTE = ['teal.6', 'blue.6', 'grape.6', 'orange.6', 'red.6', 'cyan.6', 'lime.7', 'pink.6'];
/** More lines than this are unreadable; the table below lists every journey. */
const MAX_LINES = PALETTE.length;

export function JourneysSection(props: {
  journeys: Overview['journeys'];
  days: string[];
  currency: string;
}) {
  const t = useT(overviewStrings);
  const f = useFormat();
  const money = (v: number) => f.money(v, props.currency);
  const charted = props.journeys.slice(0, MAX_LINES);
  // One row per day, one column per journey (keyed by position: names may hold any character).
  const data = props.days.map((day, i) => ({
    day,
    ...Object.fromEntries(charted.map((j, k) => [`j${k}`, j.byDay[i]?.revenue ?? 0])),
  }));

  return (
    <Section title={t('journeysTitle')}>
      {props.journeys.length === 0 ? (
        <Text c="dimmed">{t('noJourneys')}</Text>
      ) : (
        <>
          <DailyChart
            title={t('revenueOverTime')}
            data={data}
            series={charted.map((j, k) => ({
              name: `j${k}`,
              label: j.name,
              color: PALETTE[k] ?? 'gray.6',
            }))}
            valueFormatter={money}
          />
          <DataTable
            minWidth={520}
            mt="md"
            striped
            columns={[
              t('journey'),
              t('entered'),
              t('converted'),
              t('conversionRate'),
              t('revenue'),
            ]}
          >
            {props.journeys.map((j) => (
              <Table.Tr key={j.journeyId}>
                <Table.Td>
                  <Anchor component={Link} href={`/journeys/${encodeURIComponent(j.journeyId)}`}>
                    {j.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>{f.number(j.entered)}</Table.Td>
                <Table.Td>{f.number(j.converted)}</Table.Td>
                <Table.Td>{j.entered > 0 ? f.percent(j.converted / j.entered) : '—'}</Table.Td>
                <Table.Td>{money(j.revenue)}</Table.Td>
              </Table.Tr>
            ))}
          </DataTable>
        </>
      )}
    </Section>
  );
}
