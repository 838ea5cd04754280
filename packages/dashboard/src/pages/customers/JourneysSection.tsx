import type { Enrollment, EnrollmentStatus, Profile } from '@comeback/contracts';
import { Accordion, Badge, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { QueryView } from '../../components/QueryView';
import { useFormat, useT } from '../../i18n/i18n';
import { useEnrollments } from './api';
import { EmptyNote } from './EmptyNote';
import { JourneyTrace } from './JourneyTrace';
import { MessageDetailModal } from './MessageDetailModal';
import { traceStrings } from './trace-strings';

const statusColor: Record<EnrollmentStatus, string> = {
  active: 'blue',
  completed: 'gray',
  converted: 'grape',
  exited: 'gray',
};

/** Where the enrollment stands now: its step, what it waits for, how it ended. */
function EnrollmentState({ enrollment }: { enrollment: Enrollment }) {
  const t = useT(traceStrings);
  const format = useFormat();
  const facts = [
    enrollment.step ? t('nowAt', { step: enrollment.step }) : null,
    enrollment.waitingFor ? t('waitingFor', { event: enrollment.waitingFor }) : null,
    enrollment.dueAt ? t('dueAt', { at: format.dateTime(enrollment.dueAt) }) : null,
    enrollment.endedAt
      ? t('endedBecause', {
          at: format.dateTime(enrollment.endedAt),
          reason: enrollment.endReason ?? '—',
        })
      : null,
    enrollment.convertedAt
      ? t('revenue', {
          at: format.dateTime(enrollment.convertedAt),
          revenue: format.number(enrollment.revenue),
        })
      : null,
  ].filter((fact) => fact !== null);
  if (facts.length === 0) return null;
  return (
    <Text size="sm" c="dimmed">
      {facts.join(' · ')}
    </Text>
  );
}

/**
 * The person's enrollments, newest first. The newest opens at once; the others load their
 * trace when opened, so a long-standing customer's page does not fetch every trace.
 */
export function JourneysSection({ profile }: { profile: Profile }) {
  const t = useT(traceStrings);
  const format = useFormat();
  const enrollments = useEnrollments(profile.id);
  const [opened, setOpened] = useState<string[] | null>(null);
  const [messageId, setMessageId] = useState<string | null>(null);
  return (
    <section>
      <Title order={2} size="h4" mb="sm">
        {t('journeysTitle')}
      </Title>
      <QueryView query={enrollments}>
        {({ data }) => {
          if (data.length === 0)
            return <EmptyNote title={t('noJourneys')} hint={t('noJourneysHint')} />;
          const open = opened ?? (data[0] ? [data[0].id] : []);
          return (
            <Accordion multiple value={open} onChange={setOpened} variant="separated">
              {data.map((enrollment) => (
                <Accordion.Item
                  key={enrollment.id}
                  value={enrollment.id}
                  data-testid="journey-enrollment"
                  data-enrollment-id={enrollment.id}
                >
                  <Accordion.Control>
                    <Group gap="sm" wrap="wrap">
                      <Text fw={600}>
                        <bdi>{enrollment.journeyName}</bdi>
                      </Text>
                      <Text size="sm" c="dimmed">
                        {t('version', { version: enrollment.version })}
                      </Text>
                      <Badge color={statusColor[enrollment.status]} variant="light">
                        {t(`st_${enrollment.status}`)}
                      </Badge>
                      <Text size="sm" c="dimmed">
                        {t('enteredAt', { at: format.dateTime(enrollment.enteredAt) })}
                      </Text>
                    </Group>
                  </Accordion.Control>
                  <Accordion.Panel>
                    {open.includes(enrollment.id) ? (
                      <Stack gap="sm">
                        <EnrollmentState enrollment={enrollment} />
                        <Title order={3} size="h5">
                          {t('traceTitle')}
                        </Title>
                        <JourneyTrace enrollmentId={enrollment.id} onOpenMessage={setMessageId} />
                      </Stack>
                    ) : null}
                  </Accordion.Panel>
                </Accordion.Item>
              ))}
            </Accordion>
          );
        }}
      </QueryView>
      <MessageDetailModal messageId={messageId} onClose={() => setMessageId(null)} />
    </section>
  );
}
