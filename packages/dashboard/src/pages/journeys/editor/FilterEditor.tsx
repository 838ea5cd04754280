import { propertyOperators, type PropertyFilter } from '@comeback/contracts';
import { ActionIcon, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { ScalarInput, ScalarListInput } from './fields';
import { editorStrings } from './strings';

type Operator = PropertyFilter['operator'];
const MAX_FILTERS = 20;

/** The operands an operator takes, the others dropped (the API refuses extra ones). */
export function withOperator(f: PropertyFilter, operator: Operator): PropertyFilter {
  const base = { property: f.property, operator };
  if (operator === 'exists' || operator === 'not_exists') return base;
  if (operator === 'in' || operator === 'not_in')
    return { ...base, values: f.values ?? (f.value !== undefined ? [f.value] : ['']) };
  return { ...base, value: f.value ?? f.values?.[0] ?? '' };
}

/**
 * Property filters on an event (`total` >= 1): all must hold. Values are typed as text and
 * read as numbers or true/false when they look like one; `in` takes a comma-separated list.
 * The rows sit in a named group: a form may hold these next to a profile's conditions, and a
 * screen reader says which "Filter 1" it is in (`groupLabel`, else the visible label).
 */
export function FilterEditor(props: {
  label: string;
  groupLabel?: string;
  value: PropertyFilter[] | undefined;
  onChange: (value: PropertyFilter[] | undefined) => void;
}) {
  const t = useT(editorStrings);
  const filters = props.value ?? [];
  const set = (i: number, f: PropertyFilter) =>
    props.onChange(filters.map((old, j) => (j === i ? f : old)));
  const remove = (i: number) => {
    const next = filters.filter((_, j) => j !== i);
    props.onChange(next.length > 0 ? next : undefined);
  };
  return (
    <Stack gap={6} role="group" aria-label={props.groupLabel ?? props.label}>
      <Text size="sm" fw={500}>
        {props.label}
      </Text>
      {filters.map((f, i) => (
        <Group key={i} gap={4} align="flex-end" wrap="nowrap">
          <TextInput
            aria-label={t('filterProperty', { n: i + 1 })}
            placeholder={t('propertyPlaceholder')}
            value={f.property}
            onChange={(e) => set(i, { ...f, property: e.currentTarget.value })}
            dir="ltr"
            style={{ flex: 1 }}
          />
          <Select<Operator>
            aria-label={t('filterOperator', { n: i + 1 })}
            data={propertyOperators.map((o) => ({ value: o, label: t(`op_${o}`) }))}
            value={f.operator}
            allowDeselect={false}
            onChange={(op) => op && set(i, withOperator(f, op))}
            w={110}
          />
          {f.operator === 'exists' || f.operator === 'not_exists' ? null : f.values ? (
            <ScalarListInput
              aria-label={t('filterValue', { n: i + 1 })}
              value={f.values}
              onChange={(values) => set(i, { ...f, values })}
              w={90}
            />
          ) : (
            <ScalarInput
              aria-label={t('filterValue', { n: i + 1 })}
              value={f.value}
              onChange={(value) => set(i, { ...f, value })}
              w={90}
            />
          )}
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={t('removeFilter', { n: i + 1 })}
            onClick={() => remove(i)}
            mb={4}
          >
            ×
          </ActionIcon>
        </Group>
      ))}
      {filters.length < MAX_FILTERS ? (
        <Button
          variant="light"
          size="compact-xs"
          onClick={() => props.onChange([...filters, { property: '', operator: 'eq', value: '' }])}
          style={{ alignSelf: 'flex-start' }}
        >
          {t('addFilter')}
        </Button>
      ) : null}
    </Stack>
  );
}
