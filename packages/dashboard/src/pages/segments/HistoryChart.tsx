import { LineChart } from '@mantine/charts';
import { Paper, Text, Title } from '@mantine/core';
import { QueryView } from '../../components/QueryView';
import { useFormat, useT } from '../../i18n/i18n';
import { useHistory } from './api';
import { segmentStrings } from './strings';

const HISTORY_DAYS = 30;

/** The stored size day by day, with entries and exits, for the last month. */
export function HistoryChart({ id }: { id: string }) {
  const t = useT(segmentStrings);
  const format = useFormat();
  const history = useHistory(id, HISTORY_DAYS);
  return (
    <Paper withBorder p="md" data-testid="segment-history">
      <Title order={2} size="h4" mb="sm">
        {t('history')}
      </Title>
      <QueryView query={history}>
        {(data) =>
          data.days.length === 0 ? (
            <Text c="dimmed">{t('noHistory')}</Text>
          ) : (
            <LineChart
              h={240}
              data={data.days}
              dataKey="date"
              valueFormatter={(v) => format.number(v)}
              xAxisProps={{ tickFormatter: (d: string) => format.date(d) }}
              series={[
                { name: 'size', label: t('sizeSeries'), color: 'teal.6' },
                { name: 'entered', label: t('entered'), color: 'blue.6' },
                { name: 'exited', label: t('exited'), color: 'orange.6' },
              ]}
              withLegend
              curveType="monotone"
            />
          )
        }
      </QueryView>
    </Paper>
  );
}
