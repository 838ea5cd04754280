import { segmentConditionSchema, type SegmentCondition } from '@comeback/contracts';
import { Button, Group, JsonInput, Stack, Switch, Text } from '@mantine/core';
import { useId, useState } from 'react';
import { useT } from '../../../i18n/i18n';
import { ConditionRow, isRowCondition, newRow, type RowCondition } from './ConditionRow';
import { editorStrings, type EditorT } from './strings';

const MAX_ROWS = 50;

/** The condition as rows joined by "and", or null when it needs the JSON view (or, not...). */
function rowsOf(condition: SegmentCondition | undefined): RowCondition[] | null {
  if (condition === undefined) return [];
  if (isRowCondition(condition)) return [condition];
  if (condition.type === 'and' && condition.conditions.every(isRowCondition))
    return condition.conditions.filter(isRowCondition);
  return null;
}

function conditionOf(rows: RowCondition[]): SegmentCondition | undefined {
  if (rows.length === 0) return undefined;
  if (rows.length === 1) return rows[0];
  return { type: 'and', conditions: rows };
}

/** A fault in the condition: its path inside it (`conditions.1.field`, '' for the whole). */
export interface ConditionProblem {
  path: string;
  message: string;
}

/**
 * Where a fault is, in the rows' own words when they are shown: "Condition 2: field" (the
 * rows of an "and" are its `conditions`; a lone row is the condition itself).
 */
function placeOf(
  path: string,
  value: SegmentCondition | undefined,
  rowsShown: boolean,
  t: EditorT,
) {
  if (!rowsShown) return path;
  if (value?.type !== 'and') return path ? `${t('conditionType', { n: 1 })}: ${path}` : path;
  const inRow = /^conditions\.(\d+)(?:\.(.+))?$/.exec(path);
  if (!inRow) return path;
  const row = t('conditionType', { n: Number(inRow[1]) + 1 });
  return inRow[2] ? `${row}: ${inRow[2]}` : row;
}

/**
 * A condition on the profile, as the segment language says it: rows that must all hold (a
 * field, an event, purchases, a segment), or any tree of and / or / not in JSON, checked with
 * the same schema as the API before it is kept. The rows sit in a named group (`groupLabel`,
 * else the visible label) so they are not taken for an event's filters next to them; the
 * API's faults on the condition are listed under it and describe the group.
 */
export function ConditionEditor(props: {
  label: string;
  groupLabel?: string;
  description?: string;
  value: SegmentCondition | undefined;
  onChange: (value: SegmentCondition | undefined) => void;
  problems?: readonly ConditionProblem[];
  'data-testid'?: string;
}) {
  const t = useT(editorStrings);
  const problemsId = useId();
  const rows = rowsOf(props.value);
  const [asJson, setAsJson] = useState(rows === null);
  const json = asJson || rows === null;
  const problems = props.problems ?? [];
  return (
    <Stack
      gap={6}
      role="group"
      aria-label={props.groupLabel ?? props.label}
      aria-describedby={problems.length > 0 ? problemsId : undefined}
      data-testid={props['data-testid']}
    >
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" fw={500}>
          {props.label}
        </Text>
        <Switch
          size="xs"
          label={t('asJson')}
          checked={json}
          disabled={rows === null}
          onChange={(e) => setAsJson(e.currentTarget.checked)}
        />
      </Group>
      {json ? (
        <ConditionJson value={props.value} onChange={props.onChange} />
      ) : (
        <>
          {(rows ?? []).map((row, i) => (
            <ConditionRow
              key={i}
              index={i}
              value={row}
              onChange={(next) =>
                props.onChange(conditionOf((rows ?? []).map((r, j) => (j === i ? next : r))))
              }
              onRemove={() => props.onChange(conditionOf((rows ?? []).filter((_, j) => j !== i)))}
            />
          ))}
          {(rows ?? []).length < MAX_ROWS ? (
            <Button
              variant="light"
              size="compact-xs"
              style={{ alignSelf: 'flex-start' }}
              onClick={() => props.onChange(conditionOf([...(rows ?? []), newRow('purchased')]))}
            >
              {t('addCondition')}
            </Button>
          ) : null}
        </>
      )}
      {props.description ? (
        <Text size="xs" c="dimmed">
          {props.description}
        </Text>
      ) : null}
      {problems.length > 0 ? (
        <Stack gap={2} id={problemsId} data-testid="condition-problems">
          {problems.map((p, i) => (
            <Text key={i} size="xs" c="red.7">
              {p.path === '' ? null : (
                <>
                  <bdi>{placeOf(p.path, props.value, !json, t)}</bdi>
                  {': '}
                </>
              )}
              {p.message}
            </Text>
          ))}
        </Stack>
      ) : null}
    </Stack>
  );
}

function ConditionJson(props: {
  value: SegmentCondition | undefined;
  onChange: (value: SegmentCondition | undefined) => void;
}) {
  const t = useT(editorStrings);
  const [text, setText] = useState(() =>
    props.value === undefined ? '' : JSON.stringify(props.value, null, 2),
  );
  const [error, setError] = useState<string | null>(null);
  const apply = () => {
    if (text.trim() === '') {
      setError(null);
      props.onChange(undefined);
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      setError(t('jsonInvalid'));
      return;
    }
    const parsed = segmentConditionSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setError(issue ? `${issue.path.join('.') || '-'}: ${issue.message}` : t('jsonInvalid'));
      return;
    }
    setError(null);
    props.onChange(parsed.data);
  };
  return (
    <JsonInput
      aria-label={t('conditionJson')}
      value={text}
      onChange={setText}
      onBlur={apply}
      error={error}
      autosize
      minRows={4}
      maxRows={14}
      dir="ltr"
      styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
    />
  );
}
