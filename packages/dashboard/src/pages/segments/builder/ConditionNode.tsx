import type { SegmentCondition } from '@comeback/contracts';
import {
  Badge,
  Button,
  Group,
  List,
  Menu,
  Paper,
  SegmentedControl,
  Stack,
  Text,
} from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import {
  CategoryViewsEditor,
  MembershipEditor,
  PurchaseEditor,
  ViewedOutOfStockEditor,
} from './AffinityEditors';
import { ConsentEditor } from './ConsentEditor';
import { useBuilder, useFaults } from './context';
import { EventConditionEditor } from './EventConditionEditor';
import { FieldConditionEditor } from './FieldConditionEditor';
import { builderStrings } from './strings';
import { addableKinds, isGroup, newCondition, type AddableKind } from './tree';

interface NodeProps<C extends SegmentCondition = SegmentCondition> {
  value: C;
  onChange: (c: SegmentCondition) => void;
  /** Absent at the root, which cannot be removed, only emptied. */
  onRemove?: () => void;
  path: string;
}

/** Any node of the tree: a group, a `not`, or one condition row. */
export function ConditionNode(props: NodeProps) {
  const { value } = props;
  if (isGroup(value)) return <GroupNode {...props} value={value} />;
  if (value.type === 'not') return <NotNode {...props} value={value} />;
  return <LeafNode {...props} value={value} />;
}

function Faults({ path, leaf }: { path: string; leaf: boolean }) {
  const faults = useFaults(path, leaf);
  if (faults.length === 0) return null;
  return (
    <List size="sm" c="red.8" data-testid="condition-error">
      {faults.map((f, i) => (
        <List.Item key={i}>{f}</List.Item>
      ))}
    </List>
  );
}

export function AddConditionMenu(props: { onAdd: (kind: AddableKind) => void; path: string }) {
  const t = useT(builderStrings);
  const { disabled } = useBuilder();
  if (disabled) return null;
  return (
    <Menu position="bottom-start" withinPortal>
      <Menu.Target>
        <Button size="xs" variant="light" data-testid="add-condition" data-path={props.path}>
          {t('addCondition')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {addableKinds.map((kind) => (
          <Menu.Item
            key={kind}
            data-testid={`add-condition-${kind}`}
            onClick={() => props.onAdd(kind)}
          >
            {t(`kind_${kind}`)}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

function RemoveButton({ onRemove }: { onRemove?: () => void }) {
  const t = useT(builderStrings);
  const { disabled } = useBuilder();
  if (disabled || !onRemove) return null;
  return (
    <Button
      size="compact-xs"
      variant="subtle"
      color="red"
      onClick={onRemove}
      data-testid="condition-remove"
    >
      {t('remove')}
    </Button>
  );
}

type GroupCondition = Extract<SegmentCondition, { type: 'and' | 'or' }>;

function GroupNode(props: NodeProps<GroupCondition>) {
  const t = useT(builderStrings);
  const { disabled } = useBuilder();
  const { value, path } = props;
  const replaceChild = (i: number, child: SegmentCondition) =>
    props.onChange({ ...value, conditions: value.conditions.map((c, j) => (j === i ? child : c)) });
  const removeChild = (i: number) =>
    props.onChange({ ...value, conditions: value.conditions.filter((_, j) => j !== i) });
  return (
    <Paper withBorder p="sm" data-testid="condition-group" data-path={path} data-type={value.type}>
      <Stack gap="sm">
        <Group justify="space-between">
          <SegmentedControl
            size="xs"
            aria-label={t('combine')}
            disabled={disabled}
            data-testid="group-combinator"
            data={[
              { value: 'and', label: t('all') },
              { value: 'or', label: t('any') },
            ]}
            value={value.type}
            onChange={(v) => props.onChange({ ...value, type: v === 'or' ? 'or' : 'and' })}
          />
          <RemoveButton onRemove={props.onRemove} />
        </Group>
        <Faults path={path} leaf={false} />
        {value.conditions.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('emptyGroup')}
          </Text>
        ) : null}
        {value.conditions.map((child, i) => (
          <ConditionNode
            // Position is the identity: the server's fault paths are positional too.
            key={i}
            value={child}
            path={`${path}.conditions.${i}`}
            onChange={(c) => replaceChild(i, c)}
            onRemove={() => removeChild(i)}
          />
        ))}
        <Group>
          <AddConditionMenu
            path={path}
            onAdd={(kind) =>
              props.onChange({ ...value, conditions: [...value.conditions, newCondition(kind)] })
            }
          />
        </Group>
      </Stack>
    </Paper>
  );
}

type NotCondition = Extract<SegmentCondition, { type: 'not' }>;

function NotNode(props: NodeProps<NotCondition>) {
  const t = useT(builderStrings);
  const { disabled } = useBuilder();
  const { value, path } = props;
  return (
    <Paper
      withBorder
      p="sm"
      bg="var(--mantine-color-gray-0)"
      data-testid="condition-not"
      data-path={path}
    >
      <Stack gap="sm">
        <Group justify="space-between">
          <Badge color="red" variant="light">
            {t('notTitle')}
          </Badge>
          <Group gap="xs">
            {!disabled ? (
              <Button
                size="compact-xs"
                variant="subtle"
                onClick={() => props.onChange(value.condition)}
              >
                {t('unwrapNot')}
              </Button>
            ) : null}
            <RemoveButton onRemove={props.onRemove} />
          </Group>
        </Group>
        <Faults path={path} leaf={false} />
        <ConditionNode
          value={value.condition}
          path={`${path}.condition`}
          onChange={(condition) => props.onChange({ ...value, condition })}
        />
      </Stack>
    </Paper>
  );
}

type Leaf = Exclude<SegmentCondition, { type: 'and' | 'or' | 'not' }>;

function LeafNode(props: NodeProps<Leaf>) {
  const t = useT(builderStrings);
  const { disabled } = useBuilder();
  const { value, path, onChange } = props;
  return (
    <Paper withBorder p="sm" data-testid="condition-row" data-path={path} data-kind={value.type}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Text size="sm" fw={600}>
            {t(`kind_${value.type}`)}
          </Text>
          <Group gap="xs">
            {!disabled ? (
              <Button
                size="compact-xs"
                variant="subtle"
                onClick={() => onChange({ type: 'not', condition: value })}
              >
                {t('wrapNot')}
              </Button>
            ) : null}
            <RemoveButton onRemove={props.onRemove} />
          </Group>
        </Group>
        <LeafEditor value={value} onChange={onChange} path={path} />
        <Faults path={path} leaf />
      </Stack>
    </Paper>
  );
}

function LeafEditor({
  value,
  onChange,
  path,
}: {
  value: Leaf;
  onChange: (c: Leaf) => void;
  path: string;
}) {
  switch (value.type) {
    case 'field':
      return <FieldConditionEditor value={value} onChange={onChange} path={path} />;
    case 'event':
      return <EventConditionEditor value={value} onChange={onChange} path={path} />;
    case 'purchased':
      return <PurchaseEditor value={value} onChange={onChange} path={path} />;
    case 'category_views':
      return <CategoryViewsEditor value={value} onChange={onChange} path={path} />;
    case 'viewed_out_of_stock':
      return <ViewedOutOfStockEditor value={value} onChange={onChange} path={path} />;
    case 'consent':
      return <ConsentEditor value={value} onChange={onChange} path={path} />;
    case 'segment':
      return <MembershipEditor value={value} onChange={onChange} path={path} />;
  }
}
