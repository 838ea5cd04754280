import { Loader, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useFormat, useT } from '../../../i18n/i18n';
import { journeyStrings } from '../strings';
import { fetchJourneyStats, journeyKeys } from './journey-queries';

/**
 * Entered / converted / revenue of one row. The API answers statistics per journey, so each
 * row asks for its own; a failed row shows a dash instead of failing the list.
 */
export function JourneyStatsCells({ journeyId }: { journeyId: string }) {
  const t = useT(journeyStrings);
  const format = useFormat();
  const stats = useQuery({
    queryKey: journeyKeys.stats(journeyId),
    queryFn: () => fetchJourneyStats(journeyId),
    staleTime: 30_000,
  });
  if (stats.isPending) {
    return (
      <Table.Td colSpan={3}>
        <Loader size="xs" aria-label="Loading" />
      </Table.Td>
    );
  }
  if (stats.isError) {
    return (
      <Table.Td colSpan={3}>
        <Text size="sm" c="dimmed">
          {t('statsUnavailable')}
        </Text>
      </Table.Td>
    );
  }
  const s = stats.data;
  return (
    <>
      <Table.Td data-testid="journey-entered">{format.number(s.entered)}</Table.Td>
      <Table.Td data-testid="journey-converted">{format.number(s.converted)}</Table.Td>
      <Table.Td data-testid="journey-revenue">{format.number(s.revenue)}</Table.Td>
    </>
  );
}
