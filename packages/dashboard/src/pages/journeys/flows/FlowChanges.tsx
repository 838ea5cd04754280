import type { EnableFlowResult } from '@comeback/contracts';
import { Alert, Badge, Group, List, Stack, Text, Title } from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { channelKeys, journeyStrings, labelOf } from '../strings';
import { changeKeys, flowLabel, flowStrings, unitKeys } from './strings';

const CHANGE_COLORS: Record<string, string> = {
  created: 'teal',
  updated: 'blue',
  activated: 'teal',
  unchanged: 'gray',
};

function ChangeBadge({ change }: { change: string }) {
  const t = useT(flowStrings);
  return (
    <Badge variant="light" color={CHANGE_COLORS[change] ?? 'gray'}>
      {flowLabel(t, changeKeys, change)}
    </Badge>
  );
}

function NamedChanges({ title, changes }: { title: string; changes: Record<string, string> }) {
  const entries = Object.entries(changes);
  if (entries.length === 0) return null;
  return (
    <div>
      <Text fw={600} size="sm">
        {title}
      </Text>
      <List size="sm" spacing={4}>
        {entries.map(([name, change]) => (
          <List.Item key={name}>
            <Group gap="xs">
              <bdi>{name}</bdi>
              <ChangeBadge change={change} />
            </Group>
          </List.Item>
        ))}
      </List>
    </div>
  );
}

/** A dry run's answer: what enabling the flow with these values would create or change. */
export function FlowChanges({ result }: { result: EnableFlowResult }) {
  const t = useT(flowStrings);
  const tj = useT(journeyStrings);
  const { changes } = result;
  if (result.unchanged) {
    return (
      <Alert color="gray" data-testid="flow-changes">
        {t('unchanged')}
      </Alert>
    );
  }
  const settings = changes.settings;
  return (
    <Stack gap="sm" data-testid="flow-changes">
      <Title order={3} size="h5">
        {t('changesTitle')}
      </Title>
      <Group gap="xs">
        <Text fw={600} size="sm">
          {t('journey')}
        </Text>
        <ChangeBadge change={changes.journey} />
      </Group>
      <NamedChanges title={t('templates')} changes={changes.templates} />
      <NamedChanges title={t('segments')} changes={changes.segments} />
      <NamedChanges title={t('customFields')} changes={changes.customFields} />
      {settings ? (
        <div>
          <Text fw={600} size="sm">
            {t('settingsSet')}
          </Text>
          <List size="sm">
            {settings.quietHours ? (
              <List.Item>
                {t('quietHours', {
                  start: settings.quietHours.start,
                  end: settings.quietHours.end,
                })}
              </List.Item>
            ) : null}
            {Object.entries(settings.budget).flatMap(([channel, limits]) =>
              (limits ?? []).map((limit, i) => (
                <List.Item key={`${channel}-${i}`}>
                  {t('budgetLine', {
                    channel: labelOf(tj, channelKeys, channel),
                    max: limit.max,
                    amount: limit.within.amount,
                    unit: flowLabel(t, unitKeys, limit.within.unit),
                  })}
                </List.Item>
              )),
            )}
          </List>
        </div>
      ) : null}
    </Stack>
  );
}
