import type { Profile } from '@comeback/contracts';
import { Badge, Code, Table, Text, Title } from '@mantine/core';
import { OlderPagesTable } from '../../components/DataTable';
import { useFormat, useT } from '../../i18n/i18n';
import { useProfileEvents, type StoredEvent } from './api';
import { compactJson } from './customer-name';
import { EmptyNote } from './EmptyNote';
import { customerStrings } from './strings';

/** What the event says beyond its name: a track's properties, an identify's traits. */
function eventDetail(event: StoredEvent): unknown {
  const { payload } = event;
  return payload.properties ?? payload.traits ?? payload;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A segment entry or exit as the timeline carries it: which segment, and why. */
interface SegmentChange {
  entered: boolean;
  segmentId: string;
  /** Null once the segment was deleted (its history stays). */
  name: string | null;
  cause: string;
}

function segmentChangeOf(event: StoredEvent): SegmentChange | null {
  if (event.event !== 'Segment Entered' && event.event !== 'Segment Exited') return null;
  const properties = event.payload.properties;
  if (!isRecord(properties) || !isRecord(properties.segment)) return null;
  const { id, name } = properties.segment;
  if (typeof id !== 'string') return null;
  return {
    entered: event.event === 'Segment Entered',
    segmentId: id,
    name: typeof name === 'string' ? name : null,
    cause: typeof properties.cause === 'string' ? properties.cause : '',
  };
}

/** Everything the person did, and their segment entries and exits, newest first, paged. */
export function EventsSection({ profile }: { profile: Profile }) {
  const t = useT(customerStrings);
  const format = useFormat();
  const events = useProfileEvents(profile.id);
  return (
    <section>
      <Title order={2} size="h4" mb="sm">
        {t('eventsTitle')}
      </Title>
      <OlderPagesTable
        query={events}
        empty={<EmptyNote title={t('noEvents')} hint={t('noEventsHint')} />}
        minWidth={720}
        testId="customer-events"
        columns={[t('colWhen'), t('colEvent'), t('colDetails')]}
      >
        {(event) => {
          const change = segmentChangeOf(event);
          return (
            <Table.Tr key={event.messageId} data-testid="event-row">
              <Table.Td>
                {format.dateTime(event.timestamp)}
                {event.timeAdjusted ? (
                  <Text size="xs" c="dimmed">
                    {t('timeAdjusted')}
                  </Text>
                ) : null}
              </Table.Td>
              {change ? (
                <>
                  <Table.Td data-testid="segment-change">
                    <Badge variant="light" color="violet" me="xs">
                      {t(change.entered ? 'segmentEntered' : 'segmentExited')}
                    </Badge>
                    <bdi>{change.name ?? change.segmentId}</bdi>
                    {change.name === null ? (
                      <Text span size="xs" c="dimmed" ms="xs">
                        {t('segmentDeleted')}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    {t('segmentCause')} <Code dir="ltr">{change.cause}</Code>
                  </Table.Td>
                </>
              ) : (
                <>
                  <Table.Td>
                    <Badge variant="light" color="gray" me="xs">
                      {event.type}
                    </Badge>
                    {event.event ? <bdi>{event.event}</bdi> : null}
                  </Table.Td>
                  <Table.Td dir="ltr">
                    <Code>{compactJson(eventDetail(event), 160)}</Code>
                  </Table.Td>
                </>
              )}
            </Table.Tr>
          );
        }}
      </OlderPagesTable>
    </section>
  );
}
