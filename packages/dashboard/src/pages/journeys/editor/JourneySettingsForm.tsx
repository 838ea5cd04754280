import type { JourneyDefinition } from '@comeback/contracts';
import { NumberInput, Select, Stack, Switch, Textarea, TextInput, Title } from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { ConditionEditor, type ConditionProblem } from './ConditionEditor';
import { DurationInput, EventInput, ReferenceSelect, wholeNumber } from './fields';
import type { JourneyMeta } from './model';
import type { Problem } from './problems';
import { useSegmentReferences } from './references';
import { editorStrings } from './strings';

type EntryRule = JourneyDefinition['entry']['rule'];
type OverBudget = JourneyDefinition['sending']['overBudget'];
const ENTRY_CONDITION = 'entry.condition';

/** The faults at or below `field` (the API's paths), with paths relative to it. */
function problemsUnder(problems: readonly Problem[], field: string): ConditionProblem[] {
  return problems.flatMap((p) =>
    p.field === field || p.field.startsWith(`${field}.`)
      ? [{ path: p.field.slice(field.length + 1), message: p.message }]
      : [],
  );
}

/**
 * The journey as a whole (shown when no block is selected): its name, who may enter and how
 * often (and only whom: a segment, a condition on the profile), the goal that counts as a
 * conversion, and how its messages meet the frequency budget.
 */
export function JourneySettingsForm(props: {
  value: JourneyMeta;
  onChange: (value: JourneyMeta) => void;
  problems: Problem[];
}) {
  const t = useT(editorStrings);
  const segments = useSegmentReferences();
  const m = props.value;
  const error = (field: string) =>
    props.problems.find((p) => p.field === field || p.field.startsWith(`${field}.`))?.message;
  const setEntry = (entry: JourneyMeta['entry']) => props.onChange({ ...m, entry });
  const setSending = (sending: JourneyMeta['sending']) => props.onChange({ ...m, sending });
  return (
    <Stack gap="sm">
      <TextInput
        label={t('journeyName')}
        required
        value={m.name}
        onChange={(e) => props.onChange({ ...m, name: e.currentTarget.value })}
        error={error('name')}
        data-testid="journey-name"
      />
      <Textarea
        label={t('journeyDescription')}
        value={m.description ?? ''}
        autosize
        minRows={2}
        onChange={(e) => props.onChange({ ...m, description: e.currentTarget.value || undefined })}
      />
      <Title order={3} size="h6" mt="xs">
        {t('entryTitle')}
      </Title>
      <Select<EntryRule>
        label={t('entryRule')}
        data={(['once', 'every_time', 'once_per'] as const).map((r) => ({
          value: r,
          label: t(`entry_${r}`),
        }))}
        value={m.entry.rule}
        allowDeselect={false}
        onChange={(rule) =>
          rule &&
          setEntry({
            ...m.entry,
            rule,
            period:
              rule === 'once_per' ? (m.entry.period ?? { amount: 30, unit: 'days' }) : undefined,
          })
        }
        error={error('entry.rule')}
      />
      {m.entry.period ? (
        <DurationInput
          label={t('entryPeriod')}
          value={m.entry.period}
          onChange={(period) => setEntry({ ...m.entry, period })}
        />
      ) : null}
      <Switch
        label={t('whileInside')}
        checked={m.entry.whileInside}
        onChange={(e) => setEntry({ ...m.entry, whileInside: e.currentTarget.checked })}
      />
      <ReferenceSelect
        label={t('entrySegment')}
        value={m.entry.segment ?? ''}
        options={segments.list}
        onChange={(segment) => setEntry({ ...m.entry, segment: segment || undefined })}
        nothingFound={t('noSegments')}
      />
      <ConditionEditor
        label={t('entryCondition')}
        description={t('entryConditionHint')}
        value={m.entry.condition}
        onChange={(condition) => setEntry({ ...m.entry, condition })}
        problems={problemsUnder(props.problems, ENTRY_CONDITION)}
        data-testid="entry-condition"
      />
      <Title order={3} size="h6" mt="xs">
        {t('goalTitle')}
      </Title>
      <Switch
        label={t('hasGoal')}
        checked={m.goal !== undefined}
        onChange={(e) =>
          props.onChange({
            ...m,
            goal: e.currentTarget.checked
              ? { event: 'Order Completed', attributionWindow: { amount: 5, unit: 'days' } }
              : undefined,
          })
        }
      />
      {m.goal ? (
        <>
          <EventInput
            label={t('goalEvent')}
            value={m.goal.event}
            onChange={(event) => m.goal && props.onChange({ ...m, goal: { ...m.goal, event } })}
          />
          <DurationInput
            label={t('attributionWindow')}
            value={m.goal.attributionWindow}
            onChange={(attributionWindow) =>
              m.goal && props.onChange({ ...m, goal: { ...m.goal, attributionWindow } })
            }
          />
        </>
      ) : null}
      <Title order={3} size="h6" mt="xs">
        {t('sendingTitle')}
      </Title>
      <NumberInput
        label={t('priority')}
        description={t('priorityHint')}
        min={0}
        max={100}
        allowDecimal={false}
        value={m.sending.priority}
        onChange={(v) => setSending({ ...m.sending, priority: wholeNumber(v, 50) })}
      />
      <Select<OverBudget>
        label={t('overBudget')}
        data={(['delay', 'drop'] as const).map((o) => ({ value: o, label: t(`overBudget_${o}`) }))}
        value={m.sending.overBudget}
        allowDeselect={false}
        onChange={(overBudget) => overBudget && setSending({ ...m.sending, overBudget })}
      />
      <DurationInput
        label={t('maxDelay')}
        value={m.sending.maxDelay}
        onChange={(maxDelay) => setSending({ ...m.sending, maxDelay })}
      />
      <Switch
        label={t('quietHours')}
        checked={m.sending.quietHours}
        onChange={(e) => setSending({ ...m.sending, quietHours: e.currentTarget.checked })}
      />
      <Switch
        label={t('budgetExempt')}
        checked={m.sending.budgetExempt}
        onChange={(e) => setSending({ ...m.sending, budgetExempt: e.currentTarget.checked })}
      />
    </Stack>
  );
}
