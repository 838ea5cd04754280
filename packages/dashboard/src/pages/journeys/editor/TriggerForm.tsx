import type { JourneyTrigger } from '@comeback/contracts';
import { Checkbox, Group, NumberInput, Select, Stack, Switch, TextInput } from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { DurationInput, EventInput, ReferenceSelect, TimeField, wholeNumber } from './fields';
import { FilterEditor } from './FilterEditor';
import { newTrigger, triggerTypes, type TriggerType } from './model';
import { useSegmentReferences } from './references';
import { editorStrings } from './strings';

type Product = Extract<JourneyTrigger, { type: 'product' }>;
const audiences = ['viewed', 'wishlisted', 'asked'] as const;
const isAudience = (v: string): v is Product['audience'][number] => audiences.some((a) => a === v);

/** What starts the journey: the trigger's kind, then the fields that kind takes. */
export function TriggerForm(props: {
  value: JourneyTrigger;
  onChange: (value: JourneyTrigger) => void;
}) {
  const t = useT(editorStrings);
  const tr = props.value;
  return (
    <Stack gap="sm">
      <Select<TriggerType>
        label={t('triggerType')}
        data={triggerTypes.map((type) => ({ value: type, label: t(`kind_trigger_${type}`) }))}
        value={tr.type}
        allowDeselect={false}
        onChange={(type) => type && type !== tr.type && props.onChange(newTrigger(type))}
      />
      <TriggerFields value={tr} onChange={props.onChange} />
    </Stack>
  );
}

function TriggerFields({
  value: tr,
  onChange,
}: {
  value: JourneyTrigger;
  onChange: (value: JourneyTrigger) => void;
}) {
  const t = useT(editorStrings);
  const segments = useSegmentReferences();
  const segmentSelect = (segment: string, set: (segment: string) => void) => (
    <ReferenceSelect
      label={t('segmentLabel')}
      value={segment}
      options={segments.list}
      onChange={set}
      nothingFound={t('noSegments')}
    />
  );
  switch (tr.type) {
    case 'event':
      return (
        <>
          <EventInput
            label={t('eventLabel')}
            value={tr.event}
            onChange={(event) => onChange({ ...tr, event })}
          />
          <FilterEditor
            label={t('eventFilters')}
            value={tr.where}
            onChange={(where) => onChange({ ...tr, where })}
          />
        </>
      );
    case 'segment_entered':
    case 'segment_exited':
      return segmentSelect(tr.segment, (segment) => onChange({ ...tr, segment }));
    case 'date_field':
      return (
        <>
          <TextInput
            label={t('dateField')}
            placeholder="traits.birthday"
            value={tr.field}
            onChange={(e) => onChange({ ...tr, field: e.currentTarget.value })}
            dir="ltr"
          />
          <NumberInput
            label={t('offsetDays')}
            description={t('offsetDaysHint')}
            min={-3650}
            max={3650}
            allowDecimal={false}
            value={tr.offsetDays}
            onChange={(v) => onChange({ ...tr, offsetDays: wholeNumber(v, 0) })}
          />
          <Switch
            label={t('yearly')}
            checked={tr.yearly}
            onChange={(e) => onChange({ ...tr, yearly: e.currentTarget.checked })}
          />
          <TimeField label={t('atTime')} value={tr.at} onChange={(at) => onChange({ ...tr, at })} />
        </>
      );
    case 'product':
      return (
        <>
          <Select<Product['event']>
            label={t('productEvent')}
            data={(['back_in_stock', 'price_drop'] as const).map((e) => ({
              value: e,
              label: t(`product_${e}`),
            }))}
            value={tr.event}
            allowDeselect={false}
            onChange={(event) => event && onChange({ ...tr, event })}
          />
          <Checkbox.Group
            label={t('audience')}
            value={tr.audience}
            onChange={(values) => onChange({ ...tr, audience: values.filter(isAudience) })}
          >
            <Group gap="sm" mt={4}>
              {audiences.map((a) => (
                <Checkbox key={a} value={a} label={t(`audience_${a}`)} />
              ))}
            </Group>
          </Checkbox.Group>
          <Switch
            label={t('productWithin')}
            checked={tr.within !== undefined}
            onChange={(e) =>
              onChange({
                ...tr,
                within: e.currentTarget.checked ? { amount: 30, unit: 'days' } : undefined,
              })
            }
          />
          {tr.within ? (
            <DurationInput
              label={t('productWithinSpan')}
              value={tr.within}
              onChange={(within) => onChange({ ...tr, within })}
            />
          ) : null}
        </>
      );
    case 'schedule':
      return (
        <>
          <TextInput
            label={t('cron')}
            description={t('cronHint')}
            value={tr.cron}
            onChange={(e) => onChange({ ...tr, cron: e.currentTarget.value })}
            dir="ltr"
          />
          {segmentSelect(tr.segment, (segment) => onChange({ ...tr, segment }))}
        </>
      );
  }
}
