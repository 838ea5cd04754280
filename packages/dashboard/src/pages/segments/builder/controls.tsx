import {
  countOperators,
  timeUnits,
  type SegmentCount,
  type SegmentScalar,
  type SegmentWindow,
  type TimeUnit,
} from '@comeback/contracts';
import { Group, NumberInput, Select, TagsInput, TextInput } from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { useBuilder, useFaultAt } from './context';
import { isoDay, type ScalarKind } from './operators';
import { builderStrings } from './strings';

const num = (v: string | number): number => (typeof v === 'number' ? v : Number(v) || 0);

/** One operand, typed in as its kind asks (number, yes/no, date, one of the enum, text). */
export function ScalarInput(props: {
  kind: ScalarKind;
  value: SegmentScalar | undefined;
  onChange: (value: SegmentScalar) => void;
  label: string;
  path: string;
  enumValues?: readonly string[];
}) {
  const t = useT(builderStrings);
  const { disabled } = useBuilder();
  const error = useFaultAt(props.path);
  const common = { label: props.label, disabled, error, 'data-testid': 'condition-value', w: 180 };
  switch (props.kind) {
    case 'number':
      return (
        <NumberInput
          {...common}
          value={typeof props.value === 'number' ? props.value : ''}
          onChange={(v) => props.onChange(num(v))}
        />
      );
    case 'boolean':
      return (
        <Select
          {...common}
          allowDeselect={false}
          data={[
            { value: 'true', label: t('yes') },
            { value: 'false', label: t('no') },
          ]}
          value={props.value === false ? 'false' : 'true'}
          onChange={(v) => props.onChange(v !== 'false')}
        />
      );
    case 'date':
      return (
        <TextInput
          {...common}
          type="date"
          value={typeof props.value === 'string' ? props.value.slice(0, 10) : ''}
          onChange={(e) => props.onChange(e.currentTarget.value)}
        />
      );
    case 'enum':
      return (
        <Select
          {...common}
          allowDeselect={false}
          data={[...(props.enumValues ?? [])]}
          value={typeof props.value === 'string' ? props.value : null}
          onChange={(v) => props.onChange(v ?? '')}
        />
      );
    case 'text':
      return (
        <TextInput
          {...common}
          value={props.value === undefined ? '' : String(props.value)}
          onChange={(e) => props.onChange(e.currentTarget.value)}
        />
      );
  }
}

/** A list of operands (`in`, `not_in`): tags, turned into numbers for numeric fields. */
export function ValuesInput(props: {
  kind: ScalarKind;
  values: SegmentScalar[] | undefined;
  onChange: (values: SegmentScalar[]) => void;
  path: string;
  enumValues?: readonly string[];
}) {
  const t = useT(builderStrings);
  const { disabled } = useBuilder();
  const error = useFaultAt(props.path);
  const parse = (items: string[]): SegmentScalar[] =>
    props.kind === 'number'
      ? items.map(Number).filter((n) => Number.isFinite(n))
      : props.kind === 'boolean'
        ? items.map((s) => s === 'true')
        : items;
  return (
    <TagsInput
      label={t('values')}
      description={t('valuesHint')}
      disabled={disabled}
      error={error}
      data-testid="condition-values"
      miw={220}
      data={props.kind === 'enum' ? [...(props.enumValues ?? [])] : []}
      value={(props.values ?? []).map(String)}
      onChange={(items) => props.onChange(parse(items))}
    />
  );
}

export function UnitSelect(props: {
  value: TimeUnit;
  onChange: (u: TimeUnit) => void;
  path: string;
}) {
  const t = useT(builderStrings);
  const { disabled } = useBuilder();
  return (
    <Select
      label={t('unit')}
      w={130}
      disabled={disabled}
      error={useFaultAt(props.path)}
      allowDeselect={false}
      data={timeUnits.map((u) => ({ value: u, label: t(`unit_${u}`) }))}
      value={props.value}
      onChange={(v) => props.onChange(timeUnits.find((u) => u === v) ?? props.value)}
    />
  );
}

export function AmountInput(props: {
  value: number | undefined;
  onChange: (n: number) => void;
  path: string;
  label?: string;
  min?: number;
  testId?: string;
}) {
  const t = useT(builderStrings);
  const { disabled } = useBuilder();
  return (
    <NumberInput
      label={props.label ?? t('amount')}
      w={110}
      min={props.min ?? 1}
      allowDecimal={false}
      disabled={disabled}
      error={useFaultAt(props.path)}
      data-testid={props.testId}
      value={props.value ?? ''}
      onChange={(v) => props.onChange(num(v))}
    />
  );
}

const windowKinds = ['ever', 'last', 'older_than', 'between', 'since_entering'] as const;

/** When events or orders count; no window means ever. */
export function WindowEditor(props: {
  value: SegmentWindow | undefined;
  onChange: (w: SegmentWindow) => void;
  path: string;
}) {
  const t = useT(builderStrings);
  const { disabled, segments } = useBuilder();
  const segmentFault = useFaultAt(`${props.path}.segment`);
  const w = props.value ?? { kind: 'ever' };
  const switchTo = (kind: SegmentWindow['kind']): SegmentWindow => {
    const span =
      'amount' in w ? { amount: w.amount, unit: w.unit } : { amount: 30, unit: 'days' as const };
    if (kind === 'ever') return { kind };
    if (kind === 'between') return { kind, from: isoDay(-30), to: isoDay(0) };
    if (kind === 'since_entering') return { kind, segment: segments[0]?.value ?? '' };
    return { kind, ...span };
  };
  return (
    <Group gap="xs" align="flex-end" wrap="wrap">
      <Select
        label={t('window')}
        w={170}
        disabled={disabled}
        allowDeselect={false}
        data-testid="condition-window"
        error={useFaultAt(`${props.path}.kind`)}
        data={windowKinds.map((k) => ({ value: k, label: t(`window_${k}`) }))}
        value={w.kind}
        onChange={(v) => {
          const kind = windowKinds.find((k) => k === v);
          if (kind && kind !== w.kind) props.onChange(switchTo(kind));
        }}
      />
      {w.kind === 'last' || w.kind === 'older_than' ? (
        <>
          <AmountInput
            value={w.amount}
            path={`${props.path}.amount`}
            testId="condition-window-amount"
            onChange={(amount) => props.onChange({ ...w, amount })}
          />
          <UnitSelect
            value={w.unit}
            path={`${props.path}.unit`}
            onChange={(unit) => props.onChange({ ...w, unit })}
          />
        </>
      ) : null}
      {w.kind === 'since_entering' ? (
        <Select
          label={t('sinceSegment')}
          placeholder={t('pickSegment')}
          w={260}
          searchable
          allowDeselect={false}
          disabled={disabled}
          data-testid="condition-window-segment"
          error={segmentFault}
          data={
            segments.some((s) => s.value === w.segment) || w.segment === ''
              ? segments
              : [...segments, { value: w.segment, label: w.segment }]
          }
          value={w.segment === '' ? null : w.segment}
          onChange={(v) => props.onChange({ ...w, segment: v ?? '' })}
        />
      ) : null}
      {w.kind === 'between' ? (
        <>
          <DateText
            label={t('from')}
            value={w.from}
            path={`${props.path}.from`}
            onChange={(from) => props.onChange({ ...w, from })}
          />
          <DateText
            label={t('to')}
            value={w.to}
            path={`${props.path}.to`}
            onChange={(to) => props.onChange({ ...w, to })}
          />
        </>
      ) : null}
    </Group>
  );
}

function DateText(props: {
  label: string;
  value: string;
  path: string;
  onChange: (v: string) => void;
}) {
  const { disabled } = useBuilder();
  return (
    <TextInput
      type="date"
      label={props.label}
      disabled={disabled}
      error={useFaultAt(props.path)}
      value={props.value.slice(0, 10)}
      onChange={(e) => props.onChange(e.currentTarget.value)}
    />
  );
}

/** "at least 3", "exactly 0": counts, order totals and amounts spent. */
export function ComparisonEditor(props: {
  value: SegmentCount;
  onChange: (c: SegmentCount) => void;
  path: string;
  label: string;
  integer?: boolean;
  /** Counts and money are never negative; an event property's total may be. */
  min?: number;
  testId?: string;
}) {
  const t = useT(builderStrings);
  const { disabled } = useBuilder();
  return (
    <Group gap="xs" align="flex-end" wrap="nowrap">
      <Select
        label={props.label}
        w={140}
        disabled={disabled}
        allowDeselect={false}
        error={useFaultAt(`${props.path}.operator`)}
        data={countOperators.map((o) => ({ value: o, label: t(`op_${o}`) }))}
        value={props.value.operator}
        onChange={(v) => {
          const operator = countOperators.find((o) => o === v);
          if (operator) props.onChange({ ...props.value, operator });
        }}
      />
      <NumberInput
        aria-label={props.label}
        w={120}
        min={props.min}
        allowDecimal={!props.integer}
        disabled={disabled}
        data-testid={props.testId}
        error={useFaultAt(`${props.path}.value`)}
        value={props.value.value}
        onChange={(v) => props.onChange({ ...props.value, value: num(v) })}
      />
    </Group>
  );
}
