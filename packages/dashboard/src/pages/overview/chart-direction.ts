import { useDirection } from '@mantine/core';

/** Time runs right to left in Hebrew: the x axis is reversed and the y axis moves right. */
export function useChartDirection() {
  const { dir } = useDirection();
  const rtl = dir === 'rtl';
  return {
    xAxisProps: { reversed: rtl },
    yAxisProps: { orientation: rtl ? ('right' as const) : ('left' as const) },
  };
}

/** `2026-05-20` -> a short localized day for an axis. */
export function shortDay(day: string, locale: string): string {
  return new Intl.DateTimeFormat(locale === 'he' ? 'he-IL' : 'en-GB', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  }).format(new Date(`${day}T00:00:00Z`));
}
