import {
  fieldOperators,
  operatorOperands,
  timeUnits,
  type SegmentCondition,
  type TimeUnit,
} from '@comeback/contracts';
import { ActionIcon, Autocomplete, Group, NumberInput, Paper, Select, Stack } from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { CountInput, WindowInput } from './conditionParts';
import { EventInput, ReferenceSelect, ScalarInput, ScalarListInput, wholeNumber } from './fields';
import { useRegistryFields, useSegmentReferences } from './references';
import { editorStrings } from './strings';

export type RowCondition = Extract<
  SegmentCondition,
  { type: 'field' | 'event' | 'purchased' | 'segment' }
>;
type RowType = RowCondition['type'];
type FieldCondition = Extract<SegmentCondition, { type: 'field' }>;
type FieldOperator = FieldCondition['operator'];
const rowTypes: readonly RowType[] = ['purchased', 'event', 'field', 'segment'];

export const isRowCondition = (c: SegmentCondition): c is RowCondition =>
  c.type === 'field' || c.type === 'event' || c.type === 'purchased' || c.type === 'segment';

export function newRow(type: RowType): RowCondition {
  switch (type) {
    case 'field':
      return { type, field: '', operator: 'eq', value: '' };
    case 'event':
      return { type, event: '', window: { kind: 'last', amount: 30, unit: 'days' } };
    case 'purchased':
      return { type, window: { kind: 'last', amount: 1, unit: 'days' } };
    case 'segment':
      return { type, segment: '' };
  }
}

/** A field condition with the operands its operator takes (the API refuses the others). */
function withFieldOperator(c: FieldCondition, operator: FieldOperator): FieldCondition {
  const base = { type: c.type, field: c.field, operator };
  switch (operatorOperands[operator]) {
    case 'none':
      return base;
    case 'value':
      return { ...base, value: c.value ?? '' };
    case 'values':
      return { ...base, values: c.values ?? [''] };
    case 'pair':
      return { ...base, values: c.values?.slice(0, 2) ?? [0, 0] };
    case 'span':
      return { ...base, amount: c.amount ?? 30, unit: c.unit ?? 'days' };
  }
}

export function ConditionRow(props: {
  index: number;
  value: RowCondition;
  onChange: (value: RowCondition) => void;
  onRemove: () => void;
}) {
  const t = useT(editorStrings);
  const n = props.index + 1;
  return (
    <Paper withBorder p={6} radius="sm">
      <Stack gap={4}>
        <Group gap={4} wrap="nowrap">
          <Select<RowType>
            aria-label={t('conditionType', { n })}
            data={rowTypes.map((type) => ({ value: type, label: t(`cond_${type}`) }))}
            value={props.value.type}
            allowDeselect={false}
            onChange={(type) => type && type !== props.value.type && props.onChange(newRow(type))}
            style={{ flex: 1 }}
            size="xs"
          />
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={t('removeCondition', { n })}
            onClick={props.onRemove}
          >
            ×
          </ActionIcon>
        </Group>
        <RowFields value={props.value} onChange={props.onChange} n={n} />
      </Stack>
    </Paper>
  );
}

function RowFields({
  value: c,
  onChange,
  n,
}: {
  value: RowCondition;
  onChange: (value: RowCondition) => void;
  n: number;
}) {
  const t = useT(editorStrings);
  const segments = useSegmentReferences();
  switch (c.type) {
    case 'segment':
      return (
        <ReferenceSelect
          label={t('segmentLabel')}
          value={c.segment}
          options={segments.list}
          onChange={(segment) => onChange({ ...c, segment })}
          nothingFound={t('noSegments')}
        />
      );
    case 'event':
      return (
        <>
          <EventInput
            label={t('eventLabel')}
            value={c.event}
            onChange={(event) => onChange({ ...c, event })}
          />
          <CountInput
            label={t('countLabel')}
            value={c.count}
            onChange={(count) => onChange({ ...c, count })}
          />
          <WindowInput value={c.window} onChange={(window) => onChange({ ...c, window })} />
        </>
      );
    case 'purchased':
      return (
        <>
          <CountInput
            label={t('ordersLabel')}
            value={c.count}
            onChange={(count) => onChange({ ...c, count })}
          />
          <CountInput
            label={t('orderTotalLabel')}
            value={c.orderTotal}
            money
            onChange={(orderTotal) => onChange({ ...c, orderTotal })}
          />
          <WindowInput value={c.window} onChange={(window) => onChange({ ...c, window })} />
        </>
      );
    case 'field':
      return <FieldRow value={c} onChange={onChange} n={n} />;
  }
}

function FieldRow({
  value: c,
  onChange,
  n,
}: {
  value: FieldCondition;
  onChange: (v: FieldCondition) => void;
  n: number;
}) {
  const t = useT(editorStrings);
  const fields = useRegistryFields();
  const operands = operatorOperands[c.operator];
  return (
    <>
      <Autocomplete
        label={t('fieldLabel')}
        placeholder="traits.city"
        data={(fields.data ?? []).map((f) => f.path)}
        value={c.field}
        onChange={(field) => onChange({ ...c, field })}
        dir="ltr"
        size="xs"
      />
      <Select<FieldOperator>
        aria-label={t('conditionOperator', { n })}
        data={fieldOperators.map((o) => ({ value: o, label: t(`op_${o}`) }))}
        value={c.operator}
        allowDeselect={false}
        onChange={(op) => op && onChange(withFieldOperator(c, op))}
        size="xs"
      />
      {operands === 'value' ? (
        <ScalarInput
          aria-label={t('conditionValue', { n })}
          value={c.value}
          onChange={(value) => onChange({ ...c, value })}
          size="xs"
        />
      ) : null}
      {operands === 'values' || operands === 'pair' ? (
        <ScalarListInput
          aria-label={t('conditionValue', { n })}
          description={operands === 'pair' ? t('pairHint') : t('listHint')}
          value={c.values ?? []}
          onChange={(values) => onChange({ ...c, values })}
          size="xs"
        />
      ) : null}
      {operands === 'span' ? (
        <Group gap={4} wrap="nowrap">
          <NumberInput
            aria-label={t('spanAmount', { n })}
            min={1}
            allowDecimal={false}
            value={c.amount ?? 1}
            onChange={(v) => onChange({ ...c, amount: wholeNumber(v, 1) })}
            size="xs"
            style={{ flex: 1 }}
          />
          <Select<TimeUnit>
            aria-label={t('unitLabel', { field: t('fieldLabel') })}
            data={timeUnits.map((u) => ({ value: u, label: t(`unit_${u}`) }))}
            value={c.unit ?? 'days'}
            allowDeselect={false}
            onChange={(unit) => unit && onChange({ ...c, unit })}
            size="xs"
            w={110}
          />
        </Group>
      ) : null}
    </>
  );
}
