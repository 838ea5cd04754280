import {
  aggregateFunctions,
  propertyOperators,
  type PropertyFilter,
  type SegmentCondition,
  type SegmentCount,
} from '@comeback/contracts';
import {
  ActionIcon,
  Autocomplete,
  Button,
  Checkbox,
  Group,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { useBuilder, useFaultAt } from './context';
import { ComparisonEditor, ScalarInput, ValuesInput, WindowEditor } from './controls';
import { operandShape, operandsFor, scalarKind } from './operators';
import { builderStrings } from './strings';
import { without } from './tree';

type EventCondition = Extract<SegmentCondition, { type: 'event' }>;

/** Segment-spec e-commerce events most stores send; any other name can be typed. */
const COMMON_EVENTS = [
  'Product Viewed',
  'Product Added',
  'Product Removed',
  'Product Added to Wishlist',
  'Cart Viewed',
  'Checkout Started',
  'Order Completed',
  'Products Searched',
  'Email Opened',
  'Email Link Clicked',
];

export type CountMode = 'did' | 'did_not' | 'count';
const countModes: readonly CountMode[] = ['did', 'did_not', 'count'];

/** "Did" is the default count (at least once); "did not" is a count of exactly zero. */
export function countModeOf(count: SegmentCount | undefined): CountMode {
  if (!count) return 'did';
  return count.operator === 'eq' && count.value === 0 ? 'did_not' : 'count';
}
export function countFor(mode: CountMode): SegmentCount | undefined {
  if (mode === 'did') return undefined;
  if (mode === 'did_not') return { operator: 'eq', value: 0 };
  return { operator: 'gte', value: 2 };
}

export function CountModeSelect(props: {
  count: SegmentCount | undefined;
  onChange: (count: SegmentCount | undefined) => void;
  path: string;
}) {
  const t = useT(builderStrings);
  const { disabled } = useBuilder();
  const mode = countModeOf(props.count);
  return (
    <Group gap="xs" align="flex-end" wrap="wrap">
      <Select
        label={t('mode')}
        w={200}
        disabled={disabled}
        allowDeselect={false}
        data-testid="condition-mode"
        data={countModes.map((m) => ({ value: m, label: t(`mode_${m}`) }))}
        value={mode}
        onChange={(v) => {
          const next = countModes.find((m) => m === v);
          if (next && next !== mode) props.onChange(countFor(next));
        }}
      />
      {mode === 'count' && props.count ? (
        <ComparisonEditor
          label={t('count')}
          integer
          min={0}
          testId="condition-count"
          value={props.count}
          path={props.path}
          onChange={props.onChange}
        />
      ) : null}
    </Group>
  );
}

/** Did / did not EVENT, how often, when, with which properties, and a total of one of them. */
export function EventConditionEditor(props: {
  value: EventCondition;
  onChange: (c: EventCondition) => void;
  path: string;
}) {
  const t = useT(builderStrings);
  const { disabled } = useBuilder();
  const { value, path } = props;
  const where = value.where ?? [];
  const setWhere = (next: PropertyFilter[]) => {
    props.onChange(next.length > 0 ? { ...value, where: next } : without(value, 'where'));
  };

  return (
    <Stack gap="xs">
      <Group gap="xs" align="flex-start" wrap="wrap">
        <CountModeSelect
          count={value.count}
          path={`${path}.count`}
          onChange={(count) =>
            props.onChange(count ? { ...value, count } : without(value, 'count'))
          }
        />
        <Autocomplete
          label={t('eventName')}
          w={240}
          disabled={disabled}
          data-testid="condition-event"
          error={useFaultAt(`${path}.event`)}
          data={COMMON_EVENTS}
          value={value.event}
          onChange={(event) => props.onChange({ ...value, event })}
        />
        <WindowEditor
          value={value.window}
          path={`${path}.window`}
          onChange={(window) => props.onChange({ ...value, window })}
        />
      </Group>
      {where.length > 0 ? (
        <Text size="sm" fw={500}>
          {t('where')}
        </Text>
      ) : null}
      {where.map((filter, i) => (
        <PropertyFilterRow
          key={i}
          value={filter}
          path={`${path}.where.${i}`}
          onChange={(f) => setWhere(where.map((old, j) => (j === i ? f : old)))}
          onRemove={() => setWhere(where.filter((_, j) => j !== i))}
        />
      ))}
      {!disabled && where.length < 20 ? (
        <Group>
          <Button
            size="xs"
            variant="subtle"
            data-testid="add-property-filter"
            onClick={() => setWhere([...where, { property: '', operator: 'eq', value: '' }])}
          >
            {t('addFilter')}
          </Button>
        </Group>
      ) : null}
      <Checkbox
        label={t('aggregate')}
        disabled={disabled}
        checked={value.aggregate !== undefined}
        onChange={(e) =>
          props.onChange(
            e.currentTarget.checked
              ? { ...value, aggregate: { fn: 'sum', property: 'price', operator: 'gte', value: 0 } }
              : without(value, 'aggregate'),
          )
        }
      />
      {value.aggregate ? (
        <Group gap="xs" align="flex-end" wrap="wrap">
          <Select
            label={t('fn')}
            w={130}
            disabled={disabled}
            allowDeselect={false}
            data={aggregateFunctions.map((f) => ({ value: f, label: t(`fn_${f}`) }))}
            value={value.aggregate.fn}
            onChange={(v) => {
              const fn = aggregateFunctions.find((f) => f === v);
              if (fn && value.aggregate)
                props.onChange({ ...value, aggregate: { ...value.aggregate, fn } });
            }}
          />
          <TextInput
            label={t('property')}
            w={180}
            disabled={disabled}
            error={useFaultAt(`${path}.aggregate.property`)}
            value={value.aggregate.property}
            onChange={(e) => {
              const property = e.currentTarget.value;
              if (value.aggregate)
                props.onChange({ ...value, aggregate: { ...value.aggregate, property } });
            }}
          />
          <ComparisonEditor
            label={t('countOperator')}
            value={value.aggregate}
            path={`${path}.aggregate`}
            onChange={(c) => {
              if (value.aggregate)
                props.onChange({ ...value, aggregate: { ...value.aggregate, ...c } });
            }}
          />
        </Group>
      ) : null}
    </Stack>
  );
}

/** `properties.<path> <operator> <value>`: text, or numbers for ordered comparisons. */
function PropertyFilterRow(props: {
  value: PropertyFilter;
  onChange: (f: PropertyFilter) => void;
  onRemove: () => void;
  path: string;
}) {
  const t = useT(builderStrings);
  const { disabled } = useBuilder();
  const { value, path } = props;
  const kind = scalarKind('any', value.operator);
  const shape = operandShape(value.operator);
  return (
    <Group gap="xs" align="flex-start" wrap="wrap" data-testid="property-filter">
      <TextInput
        label={t('property')}
        w={180}
        disabled={disabled}
        error={useFaultAt(`${path}.property`)}
        value={value.property}
        onChange={(e) => props.onChange({ ...value, property: e.currentTarget.value })}
      />
      <Select
        label={t('operator')}
        w={170}
        disabled={disabled}
        allowDeselect={false}
        error={useFaultAt(`${path}.operator`)}
        data={propertyOperators.map((o) => ({ value: o, label: t(`op_${o}`) }))}
        value={value.operator}
        onChange={(v) => {
          const operator = propertyOperators.find((o) => o === v);
          if (!operator) return;
          const operands = operandsFor(operator, scalarKind('any', operator), value);
          props.onChange({ property: value.property, operator, ...operands });
        }}
      />
      {shape === 'value' ? (
        <ScalarInput
          kind={kind}
          label={t('value')}
          path={`${path}.value`}
          value={value.value}
          onChange={(v) => props.onChange({ ...value, value: v })}
        />
      ) : null}
      {shape === 'values' ? (
        <ValuesInput
          kind={kind}
          path={`${path}.values`}
          values={value.values}
          onChange={(values) => props.onChange({ ...value, values })}
        />
      ) : null}
      {!disabled ? (
        <ActionIcon
          variant="subtle"
          color="gray"
          mt={26}
          aria-label={t('removeFilter')}
          onClick={props.onRemove}
        >
          ×
        </ActionIcon>
      ) : null}
    </Group>
  );
}
