import { LineChart } from '@mantine/charts';
import { Title } from '@mantine/core';
import { useLocale } from '../../i18n/i18n';
import { shortDay, useChartDirection } from './chart-direction';

/** A titled line chart over the report's days: one row per UTC day, one line per series. */
export function DailyChart<Row extends { day: string }>(props: {
  title: string;
  data: Row[];
  series: { name: string; label: string; color: string }[];
  valueFormatter: (value: number) => string;
}) {
  const { locale } = useLocale();
  const axes = useChartDirection();
  return (
    <>
      <Title order={3} size="h5" mb="xs">
        {props.title}
      </Title>
      <LineChart
        h={240}
        data={props.data.map((row) => ({ ...row, label: shortDay(row.day, locale) }))}
        dataKey="label"
        series={props.series}
        curveType="monotone"
        withLegend
        withDots={false}
        valueFormatter={props.valueFormatter}
        {...axes}
      />
    </>
  );
}
