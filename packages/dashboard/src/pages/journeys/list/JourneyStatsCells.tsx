import type { JourneySummary } from '@comeback/contracts';
import { Loader, Table, Text } from '@mantine/core';
import { useFormat, useT } from '../../../i18n/i18n';
import { journeyStrings } from '../strings';

/**
 * Entered / converted / revenue of one row, from the list's one summary read
 * (`GET /api/v1/journey-stats`); while it loads a spinner, if it failed a dash, so the list of
 * journeys itself never waits for or fails with its numbers.
 */
export function JourneyStatsCells({
  summary,
  state,
}: {
  summary: JourneySummary | undefined;
  state: 'pending' | 'error' | 'success';
}) {
  const t = useT(journeyStrings);
  const format = useFormat();
  if (state === 'pending') {
    return (
      <Table.Td colSpan={3}>
        <Loader size="xs" aria-label="Loading" />
      </Table.Td>
    );
  }
  if (state === 'error' || !summary) {
    return (
      <Table.Td colSpan={3}>
        <Text size="sm" c="dimmed">
          {t('statsUnavailable')}
        </Text>
      </Table.Td>
    );
  }
  return (
    <>
      <Table.Td data-testid="journey-entered">{format.number(summary.entered)}</Table.Td>
      <Table.Td data-testid="journey-converted">{format.number(summary.converted)}</Table.Td>
      <Table.Td data-testid="journey-revenue">{format.number(summary.revenue)}</Table.Td>
    </>
  );
}
