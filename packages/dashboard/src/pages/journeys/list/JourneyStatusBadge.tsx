import { Badge } from '@mantine/core';
import type { JourneyStatus } from '@comeback/contracts';
import { useT } from '../../../i18n/i18n';
import { journeyStrings, labelOf, statusKeys } from '../strings';

const COLORS: Record<JourneyStatus, string> = {
  draft: 'gray',
  active: 'teal',
  paused: 'yellow',
  archived: 'dark',
};

export function JourneyStatusBadge({ status }: { status: JourneyStatus }) {
  const t = useT(journeyStrings);
  return (
    <Badge color={COLORS[status]} variant="light" data-testid={`journey-status-${status}`}>
      {labelOf(t, statusKeys, status)}
    </Badge>
  );
}
