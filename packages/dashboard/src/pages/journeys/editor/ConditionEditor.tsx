import { segmentConditionSchema, type SegmentCondition } from '@comeback/contracts';
import { Button, Group, JsonInput, Stack, Switch, Text } from '@mantine/core';
import { useState } from 'react';
import { useT } from '../../../i18n/i18n';
import { ConditionRow, isRowCondition, newRow, type RowCondition } from './ConditionRow';
import { editorStrings } from './strings';

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

/**
 * A condition on the profile, as the segment language says it: rows that must all hold (a
 * field, an event, purchases, a segment), or any tree of and / or / not in JSON, checked with
 * the same schema as the API before it is kept.
 */
export function ConditionEditor(props: {
  label: string;
  value: SegmentCondition | undefined;
  onChange: (value: SegmentCondition | undefined) => void;
}) {
  const t = useT(editorStrings);
  const rows = rowsOf(props.value);
  const [asJson, setAsJson] = useState(rows === null);
  const json = asJson || rows === null;
  return (
    <Stack gap={6}>
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
