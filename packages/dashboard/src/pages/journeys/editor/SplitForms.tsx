import type { JourneyStep } from '@comeback/contracts';
import {
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { ConditionEditor } from './ConditionEditor';
import { wholeNumber } from './fields';
import { FilterEditor } from './FilterEditor';
import { editorStrings } from './strings';

type Split = Extract<JourneyStep, { type: 'split' }>;
type RandomSplit = Extract<JourneyStep, { type: 'random_split' }>;
const MAX_BRANCHES = 10;

/**
 * A split by properties: each branch holds when all its conditions do (on the event that
 * started the journey, and on the profile now); the first that holds is taken, else
 * "otherwise". A branch's output appears on the block as soon as it is added. Each branch,
 * and in it the event's filters and the customer's conditions, is a named group: their rows
 * share words ("Filter 1", "Condition 1") that only the group tells apart.
 */
export function SplitForm(props: { step: Split; onChange: (s: JourneyStep) => void }) {
  const t = useT(editorStrings);
  const s = props.step;
  const setBranch = (i: number, branch: Split['branches'][number]) =>
    props.onChange({ ...s, branches: s.branches.map((b, j) => (j === i ? branch : b)) });
  return (
    <Stack gap="sm">
      <Text size="xs" c="dimmed">
        {t('splitHint')}
      </Text>
      {s.branches.map((b, i) => (
        <Paper
          key={i}
          withBorder
          p="xs"
          role="group"
          aria-label={t('outputBranch', { n: i + 1 })}
          data-testid={`split-branch-${i}`}
        >
          <Stack gap="xs">
            <Group justify="space-between" wrap="nowrap">
              <Title order={3} size="h6">
                {t('outputBranch', { n: i + 1 })}
              </Title>
              {s.branches.length > 1 ? (
                <Button
                  variant="subtle"
                  color="red"
                  size="compact-xs"
                  onClick={() =>
                    props.onChange({ ...s, branches: s.branches.filter((_, j) => j !== i) })
                  }
                >
                  {t('removeBranch', { n: i + 1 })}
                </Button>
              ) : null}
            </Group>
            <TextInput
              label={t('branchLabel')}
              placeholder={t('branchLabelPlaceholder')}
              value={b.label ?? ''}
              onChange={(e) => setBranch(i, { ...b, label: e.currentTarget.value || undefined })}
            />
            <FilterEditor
              label={t('triggerFilters')}
              groupLabel={t('startingEventFilters')}
              value={b.triggerWhere}
              onChange={(triggerWhere) => setBranch(i, { ...b, triggerWhere })}
            />
            <ConditionEditor
              label={t('profileCondition')}
              groupLabel={t('customerConditions')}
              value={b.condition}
              onChange={(condition) => setBranch(i, { ...b, condition })}
            />
          </Stack>
        </Paper>
      ))}
      {s.branches.length < MAX_BRANCHES ? (
        <Button
          variant="light"
          size="compact-sm"
          style={{ alignSelf: 'flex-start' }}
          onClick={() => props.onChange({ ...s, branches: [...s.branches, { next: '' }] })}
        >
          {t('addBranch')}
        </Button>
      ) : null}
    </Stack>
  );
}

/** Random arms by percentage (adding up to 100); a holdout arm sends nothing and measures lift. */
export function ArmsForm(props: { step: RandomSplit; onChange: (s: JourneyStep) => void }) {
  const t = useT(editorStrings);
  const s = props.step;
  const total = s.arms.reduce((sum, a) => sum + a.percent, 0);
  const setArm = (i: number, arm: RandomSplit['arms'][number]) =>
    props.onChange({ ...s, arms: s.arms.map((a, j) => (j === i ? arm : a)) });
  return (
    <Stack gap="sm">
      {s.arms.map((a, i) => (
        <Group key={i} gap={4} align="flex-end" wrap="nowrap">
          <TextInput
            label={t('armLabel', { n: i + 1 })}
            value={a.label ?? ''}
            onChange={(e) => setArm(i, { ...a, label: e.currentTarget.value || undefined })}
            style={{ flex: 1 }}
          />
          <NumberInput
            label={t('armPercent')}
            min={1}
            max={100}
            allowDecimal={false}
            allowNegative={false}
            suffix="%"
            value={a.percent}
            onChange={(v) => setArm(i, { ...a, percent: wholeNumber(v, 1) })}
            w={80}
          />
          <Checkbox
            label={t('holdout')}
            checked={a.holdout}
            onChange={(e) => setArm(i, { ...a, holdout: e.currentTarget.checked })}
            mb={8}
          />
        </Group>
      ))}
      <Text size="sm" c={total === 100 ? undefined : 'red.7'}>
        {t('armsTotal', { total })}
      </Text>
      <Group gap="xs">
        {s.arms.length < MAX_BRANCHES ? (
          <Button
            variant="light"
            size="compact-sm"
            onClick={() =>
              props.onChange({
                ...s,
                arms: [
                  ...s.arms,
                  {
                    label: String.fromCharCode(65 + s.arms.length),
                    percent: 10,
                    holdout: false,
                    next: '',
                  },
                ],
              })
            }
          >
            {t('addArm')}
          </Button>
        ) : null}
        {s.arms.length > 2 ? (
          <Button
            variant="subtle"
            color="red"
            size="compact-sm"
            onClick={() => props.onChange({ ...s, arms: s.arms.slice(0, -1) })}
          >
            {t('removeLastArm')}
          </Button>
        ) : null}
      </Group>
    </Stack>
  );
}
