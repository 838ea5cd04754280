import type { FlowSummary } from '@comeback/contracts';
import { Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { channelKeys, journeyStrings, labelOf } from '../strings';
import { flowStrings } from './strings';

/** One flow of the library: what it does, why, how it starts, and through which channels. */
export function FlowCard(props: { flow: FlowSummary; canEdit: boolean; onEnable(): void }) {
  const t = useT(flowStrings);
  const tj = useT(journeyStrings);
  const { flow } = props;
  return (
    <Card withBorder padding="md" data-testid={`flow-card-${flow.id}`}>
      <Stack gap="xs" h="100%">
        <Title order={3} size="h5">
          <bdi>{flow.name}</bdi>
        </Title>
        <Text size="sm">
          <bdi>{flow.summary}</bdi>
        </Text>
        <Text size="sm" c="dimmed">
          <Text span fw={600} inherit>
            {t('why')}:
          </Text>{' '}
          <bdi>{flow.reason}</bdi>
        </Text>
        <Text size="sm" c="dimmed">
          <Text span fw={600} inherit>
            {t('trigger')}:
          </Text>{' '}
          <bdi>{flow.trigger}</bdi>
        </Text>
        <Group gap={4} mt="auto">
          {flow.channels.map((channel) => (
            <Badge key={channel} variant="light" tt="none">
              {labelOf(tj, channelKeys, channel)}
            </Badge>
          ))}
          <Text size="xs" c="dimmed" ms="xs">
            {t('messages', { n: flow.messages })}
          </Text>
        </Group>
        {props.canEdit ? (
          <Button
            variant="light"
            onClick={props.onEnable}
            data-testid="flow-enable"
            aria-label={`${t('enable')}: ${flow.name}`}
          >
            {t('enable')}
          </Button>
        ) : null}
      </Stack>
    </Card>
  );
}
