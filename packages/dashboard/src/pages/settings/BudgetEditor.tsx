import type { BudgetLimit, JourneySettings } from '@comeback/contracts';
import { ActionIcon, Button, Group, NumberInput, Paper, Select, Stack, Text } from '@mantine/core';
import { useT } from '../../i18n/i18n';
import { settingsStrings } from './strings';

type Budget = JourneySettings['budget'];
type BudgetChannel = keyof Budget;
const CHANNELS: readonly BudgetChannel[] = ['email', 'sms', 'whatsapp', 'push', 'inbox'];
const UNITS = ['minutes', 'hours', 'days', 'weeks'] as const;
const MAX_LIMITS = 5;
const unitOf = (value: string | null) => UNITS.find((u) => u === value);

/** Per channel, up to five limits "at most N per D": a channel with none has no budget. */
export function BudgetEditor(props: {
  budget: Budget;
  onChange: (budget: Budget) => void;
  readOnly: boolean;
  /** The API's message for a path under `budget` (`email.0.max`). */
  errorOf: (path: string) => string | undefined;
}) {
  const t = useT(settingsStrings);
  const channelLabel = (c: BudgetChannel) => (c === 'email' ? t('email_ch') : t(c));
  const setLimits = (channel: BudgetChannel, limits: BudgetLimit[]) => {
    const next = { ...props.budget };
    if (limits.length === 0) delete next[channel];
    else next[channel] = limits;
    props.onChange(next);
  };

  return (
    <Stack gap="xs">
      {CHANNELS.map((channel) => {
        const limits = props.budget[channel] ?? [];
        const update = (i: number, limit: BudgetLimit) =>
          setLimits(
            channel,
            limits.map((l, k) => (k === i ? limit : l)),
          );
        return (
          <Paper key={channel} withBorder p="xs">
            <Group justify="space-between" mb={limits.length ? 'xs' : 0}>
              <Text fw={600} size="sm">
                {channelLabel(channel)}
              </Text>
              {limits.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('noLimit')}
                </Text>
              ) : null}
              {!props.readOnly && limits.length < MAX_LIMITS ? (
                <Button
                  size="compact-xs"
                  variant="light"
                  aria-label={`${t('addLimit')}: ${channelLabel(channel)}`}
                  onClick={() =>
                    setLimits(channel, [...limits, { max: 3, within: { amount: 7, unit: 'days' } }])
                  }
                >
                  {t('addLimit')}
                </Button>
              ) : null}
            </Group>
            {limits.map((limit, i) => (
              <Group key={i} gap="xs" align="flex-end" mb={4}>
                <NumberInput
                  label={t('max')}
                  size="xs"
                  w={100}
                  min={1}
                  max={1000}
                  value={limit.max}
                  readOnly={props.readOnly}
                  onChange={(v) => update(i, { ...limit, max: Number(v) || 1 })}
                  error={props.errorOf(`${channel}.${i}.max`)}
                />
                <NumberInput
                  label={t('within')}
                  size="xs"
                  w={100}
                  min={1}
                  value={limit.within.amount}
                  readOnly={props.readOnly}
                  onChange={(v) =>
                    update(i, { ...limit, within: { ...limit.within, amount: Number(v) || 1 } })
                  }
                  error={props.errorOf(`${channel}.${i}.within.amount`)}
                />
                <Select
                  label={t('unit')}
                  size="xs"
                  w={120}
                  value={limit.within.unit}
                  allowDeselect={false}
                  readOnly={props.readOnly}
                  data={UNITS.map((u) => ({ value: u, label: t(u) }))}
                  onChange={(v) =>
                    update(i, {
                      ...limit,
                      within: { ...limit.within, unit: unitOf(v) ?? limit.within.unit },
                    })
                  }
                />
                {!props.readOnly ? (
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`${t('removeLimit')} ${i + 1}: ${channelLabel(channel)}`}
                    onClick={() =>
                      setLimits(
                        channel,
                        limits.filter((_, k) => k !== i),
                      )
                    }
                    mb={4}
                  >
                    ×
                  </ActionIcon>
                ) : null}
              </Group>
            ))}
          </Paper>
        );
      })}
    </Stack>
  );
}
