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

/** Everything the person did, newest first, a page at a time. */
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
        {(event) => (
          <Table.Tr key={event.messageId} data-testid="event-row">
            <Table.Td>
              {format.dateTime(event.timestamp)}
              {event.timeAdjusted ? (
                <Text size="xs" c="dimmed">
                  {t('timeAdjusted')}
                </Text>
              ) : null}
            </Table.Td>
            <Table.Td>
              <Badge variant="light" color="gray" me="xs">
                {event.type}
              </Badge>
              {event.event ? <bdi>{event.event}</bdi> : null}
            </Table.Td>
            <Table.Td dir="ltr">
              <Code>{compactJson(eventDetail(event), 160)}</Code>
            </Table.Td>
          </Table.Tr>
        )}
      </OlderPagesTable>
    </section>
  );
}
