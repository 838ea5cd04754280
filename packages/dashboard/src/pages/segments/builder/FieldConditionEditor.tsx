import {
  dateZones,
  zonedOperators,
  type FieldOperator,
  type SegmentCondition,
} from '@comeback/contracts';
import { Autocomplete, Group, Select } from '@mantine/core';
import { useMemo } from 'react';
import { useT } from '../../../i18n/i18n';
import type { FieldInfo, FieldType } from '../api';
import { useBuilder, useFaultAt } from './context';
import { AmountInput, ScalarInput, UnitSelect, ValuesInput } from './controls';
import { operandShape, operandsFor, operatorsFor, scalarKind } from './operators';
import { builderStrings } from './strings';

type FieldCondition = Extract<SegmentCondition, { type: 'field' }>;

const prefixes = ['traits', 'computed', 'predictions', 'insights', 'rfm', 'profile'] as const;

/** An undeclared trait is of type `any`, as the server resolves it. */
function fieldOf(fields: FieldInfo[], path: string): { type: FieldType; info?: FieldInfo } {
  const info = fields.find((f) => f.path === path);
  return info ? { type: info.type, info } : { type: 'any' };
}

/** The operator a person most likely wants when they pick a field of `type`. */
function preferredOperator(type: FieldType): FieldOperator {
  if (type === 'number') return 'gte';
  if (type === 'date') return 'within_last';
  if (type === 'list') return 'contains';
  return 'eq';
}

/** A profile trait, custom, computed or predicted field compared with operators fitting its type. */
export function FieldConditionEditor(props: {
  value: FieldCondition;
  onChange: (c: FieldCondition) => void;
  path: string;
}) {
  const t = useT(builderStrings);
  const { fields, disabled } = useBuilder();
  const { value, path } = props;
  const { type, info } = fieldOf(fields, value.field);
  const kind = scalarKind(type, value.operator);
  const shape = operandShape(value.operator);
  const zoneFault = useFaultAt(`${path}.zone`);

  const grouped = useMemo(
    () =>
      prefixes
        .map((p) => ({
          group: t(`group_${p}`),
          items: fields.filter((f) => f.path.startsWith(`${p}.`)).map((f) => f.path),
        }))
        .filter((g) => g.items.length > 0),
    [fields, t],
  );

  /** A new field or operator keeps what operands still fit and fills in the rest. */
  const rebuild = (field: string, wanted: FieldOperator): FieldCondition => {
    const next = fieldOf(fields, field);
    const allowed = operatorsFor(next.type);
    const operator = allowed.includes(wanted) ? wanted : preferredOperator(next.type);
    const operands = operandsFor(
      operator,
      scalarKind(next.type, operator),
      value,
      next.info?.values,
    );
    // A zone stays with date operators that read one (the schema refuses it elsewhere).
    const zoned = next.type === 'date' && (zonedOperators as readonly string[]).includes(operator);
    return {
      type: 'field',
      field,
      operator,
      ...operands,
      ...(zoned && value.zone ? { zone: value.zone } : {}),
    };
  };

  return (
    <Group gap="xs" align="flex-start" wrap="wrap">
      <Autocomplete
        label={t('field')}
        placeholder={t('fieldPlaceholder')}
        description={info?.description}
        w={260}
        disabled={disabled}
        data-testid="condition-field"
        error={useFaultAt(`${path}.field`)}
        data={grouped}
        limit={200}
        value={value.field}
        onChange={(field) => props.onChange(rebuild(field, value.operator))}
      />
      <Select
        label={t('operator')}
        w={190}
        disabled={disabled}
        allowDeselect={false}
        data-testid="condition-operator"
        error={useFaultAt(`${path}.operator`)}
        data={operatorsFor(type).map((o) => ({ value: o, label: t(`op_${o}`) }))}
        value={value.operator}
        onChange={(v) => {
          const operator = operatorsFor(type).find((o) => o === v);
          if (operator) props.onChange(rebuild(value.field, operator));
        }}
      />
      {shape === 'value' ? (
        <ScalarInput
          kind={kind}
          label={t('value')}
          path={`${path}.value`}
          enumValues={info?.values}
          value={value.value}
          onChange={(v) => props.onChange({ ...value, value: v })}
        />
      ) : null}
      {shape === 'values' ? (
        <ValuesInput
          kind={kind}
          path={`${path}.values`}
          enumValues={info?.values}
          values={value.values}
          onChange={(values) => props.onChange({ ...value, values })}
        />
      ) : null}
      {shape === 'pair' ? (
        <>
          {([0, 1] as const).map((i) => (
            <ScalarInput
              key={i}
              kind={kind}
              label={i === 0 ? t('low') : t('high')}
              path={`${path}.values.${i}`}
              value={value.values?.[i]}
              onChange={(v) => {
                const pair = [...(value.values ?? [])];
                pair[i] = v;
                props.onChange({ ...value, values: pair });
              }}
            />
          ))}
        </>
      ) : null}
      {type === 'date' && (zonedOperators as readonly string[]).includes(value.operator) ? (
        <Select
          label={t('zone')}
          w={170}
          disabled={disabled}
          allowDeselect={false}
          data-testid="condition-zone"
          error={zoneFault}
          data={dateZones.map((z) => ({ value: z, label: t(`zone_${z}`) }))}
          value={value.zone ?? 'utc'}
          onChange={(v) => {
            const zone = dateZones.find((z) => z === v);
            if (zone) props.onChange({ ...value, zone });
          }}
        />
      ) : null}
      {shape === 'span' ? (
        <>
          <AmountInput
            value={value.amount}
            path={`${path}.amount`}
            onChange={(amount) => props.onChange({ ...value, amount })}
          />
          <UnitSelect
            value={value.unit ?? 'days'}
            path={`${path}.unit`}
            onChange={(unit) => props.onChange({ ...value, unit })}
          />
        </>
      ) : null}
    </Group>
  );
}
