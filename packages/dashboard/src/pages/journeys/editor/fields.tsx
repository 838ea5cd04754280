import {
  journeyDurationUnits,
  type JourneyDuration,
  type SegmentScalar,
} from '@comeback/contracts';
import {
  Autocomplete,
  Group,
  NumberInput,
  Select,
  TextInput,
  type TextInputProps,
} from '@mantine/core';
import { useState } from 'react';
import { useT } from '../../../i18n/i18n';
import type { Reference } from './canvas-context';
import { editorStrings } from './strings';

/** Small inputs the block forms share. */

/** Events a store sends most; any other name may be typed. */
const commonEvents = [
  'Order Completed',
  'Product Viewed',
  'Product Added',
  'Checkout Started',
  'Product Added to Wishlist',
  'Signed Up',
  'Email Opened',
  'Email Clicked',
];

/** A NumberInput's value as a whole number (it gives '' while empty). */
export const wholeNumber = (value: number | string, fallback: number) =>
  typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : fallback;

/** Typed text as the scalar a condition compares: a number, true/false, else the text. */
export function parseScalar(text: string): SegmentScalar {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  return text;
}
export const scalarText = (value: SegmentScalar | undefined) =>
  value === undefined ? '' : String(value);

export function DurationInput(props: {
  label: string;
  value: JourneyDuration;
  onChange: (value: JourneyDuration) => void;
}) {
  const t = useT(editorStrings);
  return (
    <Group gap="xs" align="flex-end" wrap="nowrap">
      <NumberInput
        label={props.label}
        min={1}
        allowDecimal={false}
        allowNegative={false}
        value={props.value.amount}
        onChange={(v) => props.onChange({ ...props.value, amount: wholeNumber(v, 1) })}
        style={{ flex: 1 }}
      />
      <Select<JourneyDuration['unit']>
        aria-label={t('unitLabel', { field: props.label })}
        data={journeyDurationUnits.map((u) => ({ value: u, label: t(`unit_${u}`) }))}
        value={props.value.unit}
        allowDeselect={false}
        onChange={(unit) => unit && props.onChange({ ...props.value, unit })}
        w={120}
      />
    </Group>
  );
}

export function EventInput(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  description?: string;
}) {
  const t = useT(editorStrings);
  return (
    <Autocomplete
      label={props.label}
      description={props.description}
      placeholder={t('eventPlaceholder')}
      data={commonEvents}
      value={props.value}
      onChange={props.onChange}
      dir="auto"
    />
  );
}

/** HH:MM, 24 hours, as the API takes it. */
export function TimeField(props: { label: string; value: string; onChange: (v: string) => void }) {
  return (
    <TextInput
      type="time"
      label={props.label}
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value)}
      dir="ltr"
    />
  );
}

/**
 * A template or segment picked by name, saved by id. A reference the list does not know (a
 * name from an imported flow, a deleted template) stays selectable so it is not lost silently.
 */
export function ReferenceSelect(props: {
  label: string;
  value: string;
  options: Reference[];
  onChange: (id: string) => void;
  nothingFound: string;
  group?: (r: Reference) => string;
}) {
  const known = props.options.find((o) => o.id === props.value || o.name === props.value);
  const options =
    known || props.value === ''
      ? props.options
      : [...props.options, { id: props.value, name: props.value }];
  const item = (r: Reference) => ({ value: r.id, label: r.name });
  const grouping = props.group;
  const data = grouping
    ? [...new Set(options.map(grouping))].map((group) => ({
        group,
        items: options.filter((o) => grouping(o) === group).map(item),
      }))
    : options.map(item);
  return (
    <Select
      label={props.label}
      searchable
      data={data}
      value={known?.id ?? (props.value === '' ? null : props.value)}
      onChange={(id) => props.onChange(id ?? '')}
      nothingFoundMessage={props.nothingFound}
      description={props.options.length === 0 ? props.nothingFound : undefined}
    />
  );
}

/**
 * A text input for a value that is stored parsed (a number, a list): it keeps what is being
 * typed ("1." on the way to "1.5") as long as it still means the stored value.
 */
export function ParsedTextInput({
  canonical,
  normalize,
  onText,
  ...rest
}: Omit<TextInputProps, 'value' | 'onChange'> & {
  canonical: string;
  normalize: (text: string) => string;
  onText: (text: string) => void;
}) {
  const [local, setLocal] = useState(canonical);
  const shown = normalize(local) === canonical ? local : canonical;
  return (
    <TextInput
      {...rest}
      value={shown}
      onChange={(e) => {
        setLocal(e.currentTarget.value);
        onText(e.currentTarget.value);
      }}
    />
  );
}

const splitList = (text: string) => text.split(',').map((v) => parseScalar(v.trim()));
const listText = (values: SegmentScalar[]) => values.map(scalarText).join(', ');

/** One scalar, or a comma-separated list of them. */
export function ScalarInput(
  props: Omit<TextInputProps, 'value' | 'onChange'> & {
    value: SegmentScalar | undefined;
    onChange: (value: SegmentScalar) => void;
  },
) {
  const { value, onChange, ...rest } = props;
  return (
    <ParsedTextInput
      {...rest}
      canonical={scalarText(value)}
      normalize={(text) => scalarText(parseScalar(text))}
      onText={(text) => onChange(parseScalar(text))}
    />
  );
}

export function ScalarListInput(
  props: Omit<TextInputProps, 'value' | 'onChange'> & {
    value: SegmentScalar[];
    onChange: (value: SegmentScalar[]) => void;
  },
) {
  const { value, onChange, ...rest } = props;
  return (
    <ParsedTextInput
      {...rest}
      canonical={listText(value)}
      normalize={(text) => listText(splitList(text))}
      onText={(text) => onChange(splitList(text))}
    />
  );
}
