import { segmentConditionSchema, type SegmentCondition } from '@comeback/contracts';
import { Alert, List, Textarea } from '@mantine/core';
import type { ErrorDetail } from '../../api/client';
import { useT } from '../../i18n/i18n';
import { segmentStrings } from './strings';

/** What the JSON text holds: a syntax error, or a value to send (the server judges it). */
export type ParsedJson = { ok: true; value: unknown } | { ok: false; message: string };

export function parseJson(text: string): ParsedJson {
  try {
    const value: unknown = JSON.parse(text);
    return { ok: true, value };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * The builder takes the JSON back only if it is a condition in shape; field names, operator
 * fits and referenced segments are the server's to check (it knows the workspace).
 */
export function conditionFromJson(value: unknown): SegmentCondition | null {
  const parsed = segmentConditionSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The raw condition, for people who would rather type it, or paste one from the docs. */
export function JsonEditor(props: {
  text: string;
  onChange: (text: string) => void;
  disabled: boolean;
  /** The server's faults of the condition (preview or save). */
  details: ErrorDetail[];
  /** Set when the builder was asked for but cannot show this JSON. */
  notCondition: boolean;
}) {
  const t = useT(segmentStrings);
  const parsed = parseJson(props.text);
  return (
    <>
      <Textarea
        label={t('jsonLabel')}
        description={t('jsonHint')}
        dir="ltr"
        autosize
        minRows={12}
        maxRows={40}
        spellCheck={false}
        ff="monospace"
        disabled={props.disabled}
        data-testid="segment-json"
        error={parsed.ok ? undefined : t('jsonSyntax', { message: parsed.message })}
        value={props.text}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      />
      {props.notCondition ? (
        <Alert color="yellow" mt="sm">
          {t('jsonNotCondition')}
        </Alert>
      ) : null}
      {props.details.length > 0 ? (
        <Alert color="red" mt="sm" title={t('conditionProblems')} data-testid="segment-errors">
          <List size="sm">
            {props.details.map((d, i) => (
              <List.Item key={i}>
                <bdi>{d.field}</bdi>: {d.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
    </>
  );
}
