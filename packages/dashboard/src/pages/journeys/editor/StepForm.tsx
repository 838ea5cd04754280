import type { JourneyStep } from '@comeback/contracts';
import {
  ActionIcon,
  Button,
  Checkbox,
  Group,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { useMemo } from 'react';
import { Link } from 'wouter';
import { useLocale, useT } from '../../../i18n/i18n';
import type { Reference } from './canvas-context';
import { DurationInput, EventInput, ReferenceSelect, ScalarInput, TimeField } from './fields';
import { FilterEditor } from './FilterEditor';
import type { StepNodeData } from './model';
import { useTemplateReferences } from './references';
import { ArmsForm, SplitForm } from './SplitForms';
import { editorStrings } from './strings';

type Step<T extends JourneyStep['type']> = Extract<JourneyStep, { type: T }>;

/** The fields of one step, by its type. */
export function StepForm(props: { value: StepNodeData; onChange: (value: StepNodeData) => void }) {
  const t = useT(editorStrings);
  const s = props.value.step;
  const set = (step: JourneyStep) => props.onChange({ ...props.value, step });
  switch (s.type) {
    case 'send':
    case 'webhook':
      return (
        <TemplateField
          step={s}
          hint={props.value.channel}
          onChange={(template) => set({ ...s, template })}
        />
      );
    case 'wait':
      return (
        <DurationInput
          label={t('waitFor')}
          value={s.duration}
          onChange={(duration) => set({ ...s, duration })}
        />
      );
    case 'wait_until':
      return <WaitUntilForm step={s} onChange={set} />;
    case 'wait_for_event':
      return (
        <Stack gap="sm">
          <EventInput
            label={t('eventLabel')}
            value={s.event}
            onChange={(event) => set({ ...s, event })}
          />
          <FilterEditor
            label={t('eventFilters')}
            value={s.where}
            onChange={(where) => set({ ...s, where })}
          />
          <SameAsTriggerField
            value={s.sameAsTrigger}
            onChange={(sameAsTrigger) => set({ ...s, sameAsTrigger })}
          />
          <DurationInput
            label={t('timeout')}
            value={s.timeout}
            onChange={(timeout) => set({ ...s, timeout })}
          />
        </Stack>
      );
    case 'split':
      return <SplitForm step={s} onChange={set} />;
    case 'split_action':
      return (
        <Stack gap="sm">
          <EventInput
            label={t('eventLabel')}
            description={t('actionHint')}
            value={s.event}
            onChange={(event) => set({ ...s, event })}
          />
          <FilterEditor
            label={t('eventFilters')}
            value={s.where}
            onChange={(where) => set({ ...s, where })}
          />
          <SameAsTriggerField
            value={s.sameAsTrigger}
            onChange={(sameAsTrigger) => set({ ...s, sameAsTrigger })}
          />
        </Stack>
      );
    case 'random_split':
      return <ArmsForm step={s} onChange={set} />;
    case 'update_profile':
      return <UpdateProfileForm step={s} onChange={set} />;
    case 'exit':
      return <Text size="sm">{t('exitHint')}</Text>;
  }
}

function TemplateField(props: {
  step: Step<'send' | 'webhook'>;
  hint: StepNodeData['channel'];
  onChange: (template: string) => void;
}) {
  const t = useT(editorStrings);
  const templates = useTemplateReferences();
  const webhook = props.step.type === 'webhook';
  // The palette's channel first, then the others: a send step may use any message channel.
  const options = useMemo(
    () =>
      templates.list
        .filter((r) => (r.channel === 'webhook') === webhook)
        .sort((a, b) => Number(b.channel === props.hint) - Number(a.channel === props.hint)),
    [templates.list, webhook, props.hint],
  );
  return (
    <Stack gap={4}>
      <ReferenceSelect
        label={t('templateLabel')}
        value={props.step.template}
        options={options}
        onChange={props.onChange}
        nothingFound={t('noTemplates')}
        group={(r: Reference) => t(`channel_${r.channel ?? 'email'}`)}
      />
      <Text size="xs">
        <Link href="/templates">{t('manageTemplates')}</Link>
      </Text>
    </Stack>
  );
}

const weekdays = ['1', '2', '3', '4', '5', '6', '7'];

function WaitUntilForm(props: { step: Step<'wait_until'>; onChange: (s: JourneyStep) => void }) {
  const t = useT(editorStrings);
  const { locale } = useLocale();
  const s = props.step;
  // 1 January 2024 was a Monday: day n of the API's week is 2024-01-0n.
  const dayName = useMemo(() => {
    const f = new Intl.DateTimeFormat(locale === 'he' ? 'he-IL' : 'en-GB', {
      weekday: 'short',
      timeZone: 'UTC',
    });
    return (n: string) => f.format(new Date(Date.UTC(2024, 0, Number(n))));
  }, [locale]);
  return (
    <Stack gap="sm">
      <TimeField label={t('atTime')} value={s.at} onChange={(at) => props.onChange({ ...s, at })} />
      <Checkbox.Group
        label={t('weekdays')}
        description={t('weekdaysHint')}
        value={(s.weekdays ?? []).map(String)}
        onChange={(values) =>
          props.onChange({
            ...s,
            weekdays: values.length > 0 ? values.map(Number).sort() : undefined,
          })
        }
      >
        <Group gap="xs" mt={4}>
          {weekdays.map((d) => (
            <Checkbox key={d} value={d} label={dayName(d)} />
          ))}
        </Group>
      </Checkbox.Group>
    </Stack>
  );
}

function UpdateProfileForm(props: {
  step: Step<'update_profile'>;
  onChange: (s: JourneyStep) => void;
}) {
  const t = useT(editorStrings);
  const s = props.step;
  const entries = Object.entries(s.set ?? {});
  const setEntries = (next: [string, string | number | boolean][]) =>
    props.onChange({ ...s, set: next.length > 0 ? Object.fromEntries(next) : undefined });
  return (
    <Stack gap="sm">
      <Text size="sm" fw={500}>
        {t('setTraits')}
      </Text>
      {entries.map(([key, value], i) => (
        <Group key={i} gap={4} wrap="nowrap" align="flex-end">
          <TextInput
            aria-label={t('traitName', { n: i + 1 })}
            placeholder={t('traitNamePlaceholder')}
            value={key}
            onChange={(e) =>
              setEntries(entries.map((en, j) => (j === i ? [e.currentTarget.value, en[1]] : en)))
            }
            dir="ltr"
            style={{ flex: 1 }}
          />
          <ScalarInput
            aria-label={t('traitValue', { n: i + 1 })}
            value={value}
            onChange={(v) => setEntries(entries.map((en, j) => (j === i ? [en[0], v] : en)))}
            style={{ flex: 1 }}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={t('removeTrait', { n: i + 1 })}
            onClick={() => setEntries(entries.filter((_, j) => j !== i))}
            mb={4}
          >
            ×
          </ActionIcon>
        </Group>
      ))}
      <Button
        variant="light"
        size="compact-xs"
        style={{ alignSelf: 'flex-start' }}
        onClick={() => setEntries([...entries, [`trait_${entries.length + 1}`, '']])}
      >
        {t('addTrait')}
      </Button>
      <TagsInput
        label={t('addTags')}
        value={s.addTags ?? []}
        onChange={(addTags) => props.onChange({ ...s, addTags })}
        maxTags={20}
      />
    </Stack>
  );
}

/** The properties an awaited or asked-about event must share with the trigger (order_id...). */
function SameAsTriggerField(props: {
  value: string[] | undefined;
  onChange: (value: string[] | undefined) => void;
}) {
  const t = useT(editorStrings);
  return (
    <TagsInput
      label={t('sameAsTrigger')}
      description={t('sameAsTriggerHint')}
      value={props.value ?? []}
      onChange={(paths) => props.onChange(paths.length > 0 ? paths.slice(0, 5) : undefined)}
      maxTags={5}
    />
  );
}
