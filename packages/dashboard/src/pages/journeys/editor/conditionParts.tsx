import { countOperators, timeUnits, type SegmentWindow, type TimeUnit } from '@comeback/contracts';
import { Group, NumberInput, Select, Text } from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { wholeNumber } from './fields';
import { editorStrings } from './strings';

type CountOperator = (typeof countOperators)[number];
type Comparison = { operator: CountOperator; value: number };
const ANY = 'any';

/** "at least 1", "exactly 0"...; "any" leaves it out (the API's default: at least one). */
export function CountInput(props: {
  label: string;
  value: Comparison | undefined;
  onChange: (value: Comparison | undefined) => void;
  money?: boolean;
}) {
  const t = useT(editorStrings);
  const value = props.value;
  return (
    <Group gap={4} align="flex-end" wrap="nowrap">
      <Select<CountOperator | typeof ANY>
        label={props.label}
        data={[
          { value: ANY, label: t('countAny') },
          ...countOperators.map((o) => ({ value: o, label: t(`count_op_${o}`) })),
        ]}
        value={value?.operator ?? ANY}
        allowDeselect={false}
        onChange={(op) =>
          props.onChange(!op || op === ANY ? undefined : { operator: op, value: value?.value ?? 1 })
        }
        size="xs"
        style={{ flex: 1 }}
      />
      {value ? (
        <NumberInput
          aria-label={t('countValue', { field: props.label })}
          min={0}
          allowDecimal={props.money === true}
          allowNegative={false}
          value={value.value}
          onChange={(v) =>
            props.onChange({
              ...value,
              value: props.money ? (typeof v === 'number' ? v : 0) : wholeNumber(v, 0),
            })
          }
          size="xs"
          w={90}
        />
      ) : null}
    </Group>
  );
}

type WindowKind = 'ever' | 'last' | 'older_than';

/** When events or orders count: ever, in the last N units, or longer ago than that. */
export function WindowInput(props: {
  value: SegmentWindow | undefined;
  onChange: (value: SegmentWindow | undefined) => void;
}) {
  const t = useT(editorStrings);
  const w = props.value;
  if (w?.kind === 'between')
    return (
      <Text size="xs" dir="ltr">
        {t('windowBetween', { from: w.from, to: w.to })}
      </Text>
    );
  const span = w?.kind === 'last' || w?.kind === 'older_than' ? w : null;
  const setKind = (kind: WindowKind | null) => {
    if (!kind || kind === 'ever') props.onChange(undefined);
    else props.onChange({ kind, amount: span?.amount ?? 1, unit: span?.unit ?? 'days' });
  };
  return (
    <Group gap={4} align="flex-end" wrap="nowrap">
      <Select<WindowKind>
        label={t('windowLabel')}
        data={(['ever', 'last', 'older_than'] as const).map((k) => ({
          value: k,
          label: t(`window_${k}`),
        }))}
        value={span?.kind ?? 'ever'}
        allowDeselect={false}
        onChange={setKind}
        size="xs"
        style={{ flex: 1 }}
      />
      {span ? (
        <>
          <NumberInput
            aria-label={t('windowAmount')}
            min={1}
            allowDecimal={false}
            allowNegative={false}
            value={span.amount}
            onChange={(v) => props.onChange({ ...span, amount: wholeNumber(v, 1) })}
            size="xs"
            w={70}
          />
          <Select<TimeUnit>
            aria-label={t('windowUnit')}
            data={timeUnits.map((u) => ({ value: u, label: t(`unit_${u}`) }))}
            value={span.unit}
            allowDeselect={false}
            onChange={(unit) => unit && props.onChange({ ...span, unit })}
            size="xs"
            w={100}
          />
        </>
      ) : null}
    </Group>
  );
}
