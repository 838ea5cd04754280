import type { SegmentCondition } from '@comeback/contracts';
import { Checkbox, Group, NumberInput, Select, Stack, TextInput } from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { useBuilder, useFaultAt } from './context';
import { ComparisonEditor, WindowEditor } from './controls';
import { CountModeSelect } from './EventConditionEditor';
import { builderStrings } from './strings';
import { without } from './tree';

type Purchased = Extract<SegmentCondition, { type: 'purchased' }>;
type CategoryViews = Extract<SegmentCondition, { type: 'category_views' }>;
type ViewedOutOfStock = Extract<SegmentCondition, { type: 'viewed_out_of_stock' }>;
type Membership = Extract<SegmentCondition, { type: 'segment' }>;

const productFilters = ['any', 'product', 'category', 'similarTo'] as const;
type ProductFilter = (typeof productFilters)[number];

function productFilterOf(c: Purchased): ProductFilter {
  if (c.product !== undefined) return 'product';
  if (c.category !== undefined) return 'category';
  if (c.similarTo !== undefined) return 'similarTo';
  return 'any';
}

/** Orders in a window: of a product, category or similar product; counted, by total, summed. */
export function PurchaseEditor(props: {
  value: Purchased;
  onChange: (c: Purchased) => void;
  path: string;
}) {
  const t = useT(builderStrings);
  const { disabled } = useBuilder();
  const { value, path } = props;
  const filter = productFilterOf(value);
  const unfiltered = without(value, 'product', 'category', 'similarTo');
  const filterText = filter === 'any' ? '' : (value[filter] ?? '');

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
        <Select
          label={t('productFilter')}
          w={210}
          disabled={disabled}
          allowDeselect={false}
          data={productFilters.map((f) => ({ value: f, label: t(`filter_${f}`) }))}
          value={filter}
          onChange={(v) => {
            const next = productFilters.find((f) => f === v);
            if (!next || next === filter) return;
            props.onChange(next === 'any' ? unfiltered : { ...unfiltered, [next]: filterText });
          }}
        />
        {filter !== 'any' ? (
          <TextInput
            label={t('filterValue')}
            w={200}
            disabled={disabled}
            data-testid="condition-product-filter"
            error={useFaultAt(`${path}.${filter}`)}
            value={filterText}
            onChange={(e) => props.onChange({ ...unfiltered, [filter]: e.currentTarget.value })}
          />
        ) : null}
        <WindowEditor
          value={value.window}
          path={`${path}.window`}
          onChange={(window) => props.onChange({ ...value, window })}
        />
      </Group>
      {(['orderTotal', 'spent'] as const).map((key) => {
        const comparison = value[key];
        return (
          <Group key={key} gap="xs" align="flex-end" wrap="wrap">
            <Checkbox
              label={t(key)}
              disabled={disabled}
              checked={comparison !== undefined}
              onChange={(e) =>
                props.onChange(
                  e.currentTarget.checked
                    ? { ...value, [key]: { operator: 'gte', value: 100 } }
                    : without(value, key),
                )
              }
            />
            {comparison ? (
              <ComparisonEditor
                label={t('money')}
                min={0}
                value={comparison}
                path={`${path}.${key}`}
                onChange={(c) => props.onChange({ ...value, [key]: c })}
              />
            ) : null}
          </Group>
        );
      })}
    </Stack>
  );
}

/** Viewed at least N distinct products of one category (named, or any) in a window. */
export function CategoryViewsEditor(props: {
  value: CategoryViews;
  onChange: (c: CategoryViews) => void;
  path: string;
}) {
  const t = useT(builderStrings);
  const { disabled } = useBuilder();
  const { value, path } = props;
  return (
    <Group gap="xs" align="flex-start" wrap="wrap">
      <NumberInput
        label={t('atLeast')}
        w={220}
        min={1}
        max={1000}
        allowDecimal={false}
        disabled={disabled}
        data-testid="condition-at-least"
        error={useFaultAt(`${path}.atLeast`)}
        value={value.atLeast}
        onChange={(v) => props.onChange({ ...value, atLeast: Number(v) || 1 })}
      />
      <TextInput
        label={t('category')}
        placeholder={t('anyCategory')}
        w={200}
        disabled={disabled}
        error={useFaultAt(`${path}.category`)}
        value={value.category ?? ''}
        onChange={(e) => {
          const category = e.currentTarget.value;
          props.onChange(category === '' ? without(value, 'category') : { ...value, category });
        }}
      />
      <WindowEditor
        value={value.window}
        path={`${path}.window`}
        onChange={(window) => props.onChange({ ...value, window })}
      />
    </Group>
  );
}

export function ViewedOutOfStockEditor(props: {
  value: ViewedOutOfStock;
  onChange: (c: ViewedOutOfStock) => void;
  path: string;
}) {
  return (
    <WindowEditor
      value={props.value.window}
      path={`${props.path}.window`}
      onChange={(window) => props.onChange({ ...props.value, window })}
    />
  );
}

/** Member of another segment; the server refuses unknown ones and cycles. */
export function MembershipEditor(props: {
  value: Membership;
  onChange: (c: Membership) => void;
  path: string;
}) {
  const t = useT(builderStrings);
  const { segments, disabled } = useBuilder();
  const known = segments.some((s) => s.value === props.value.segment);
  const data =
    known || props.value.segment === ''
      ? segments
      : [...segments, { value: props.value.segment, label: props.value.segment }];
  return (
    <Select
      label={t('segment')}
      placeholder={t('pickSegment')}
      w={280}
      searchable
      allowDeselect={false}
      disabled={disabled}
      data-testid="condition-segment"
      error={useFaultAt(`${props.path}.segment`)}
      data={data}
      value={props.value.segment === '' ? null : props.value.segment}
      onChange={(v) => props.onChange({ ...props.value, segment: v ?? '' })}
    />
  );
}
