import type { TraceOutcome } from '@comeback/contracts';
import { Anchor, Text, Timeline } from '@mantine/core';
import { QueryView } from '../../components/QueryView';
import { useFormat, useT } from '../../i18n/i18n';
import { useTrace } from './api';
import { isChannel } from './message-status';
import { customerStrings } from './strings';
import { traceStrings } from './trace-strings';
import { describeStep } from './trace-words';

const outcomeColor: Record<TraceOutcome, string> = {
  entered: 'teal',
  sent: 'green',
  skipped: 'orange',
  delayed: 'yellow',
  branch: 'blue',
  waited: 'gray',
  event_received: 'blue',
  timed_out: 'gray',
  updated: 'blue',
  holdout: 'grape',
  converted: 'grape',
  exited: 'gray',
  completed: 'gray',
};

/** One enrollment step by step: what happened, when, and why in words. */
export function JourneyTrace({
  enrollmentId,
  onOpenMessage,
}: {
  enrollmentId: string;
  onOpenMessage: (messageId: string) => void;
}) {
  const t = useT(traceStrings);
  const tc = useT(customerStrings);
  const format = useFormat();
  const trace = useTrace(enrollmentId);
  const channelName = (channel: string) => (isChannel(channel) ? tc(`ch_${channel}`) : channel);
  return (
    <QueryView query={trace}>
      {({ steps }) =>
        steps.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('noSteps')}
          </Text>
        ) : (
          <Timeline bulletSize={14} lineWidth={2} data-testid="journey-trace">
            {steps.map((entry) => {
              const messageId = entry.outcome === 'sent' ? entry.messageId : null;
              const words = describeStep(entry, { t, dateTime: format.dateTime, channelName });
              return (
                <Timeline.Item
                  key={entry.visit}
                  color={outcomeColor[entry.outcome]}
                  title={words.title}
                  data-testid="trace-step"
                  data-status={entry.outcome}
                  data-step={entry.step}
                >
                  <Text size="xs" c="dimmed">
                    {format.dateTime(entry.at)} ·{' '}
                    <bdi dir="ltr">{t('stepAt', { step: entry.step, type: entry.stepType })}</bdi>
                  </Text>
                  {words.why ? (
                    <Text size="sm" data-testid="trace-why">
                      {words.why}
                    </Text>
                  ) : null}
                  {messageId !== null ? (
                    <Anchor
                      component="button"
                      type="button"
                      size="sm"
                      onClick={() => onOpenMessage(messageId)}
                    >
                      {t('viewMessage')}
                    </Anchor>
                  ) : null}
                </Timeline.Item>
              );
            })}
          </Timeline>
        )
      }
    </QueryView>
  );
}
