import type { Segment, SegmentCondition } from '@comeback/contracts';
import { Alert, Anchor, Button, Grid, List, Stack, Tabs, TextInput, Textarea } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError, post, put } from '../../api/client';
import { useSession } from '../../api/session';
import { PageHeader } from '../../components/PageHeader';
import { ErrorAlert } from '../../components/QueryView';
import { useT } from '../../i18n/i18n';
import {
  segmentKeys,
  segmentPath,
  useFields,
  usePreview,
  useSegmentCount,
  useSegments,
} from './api';
import { AddConditionMenu, ConditionNode } from './builder/ConditionNode';
import { BuilderContext, type BuilderEnv } from './builder/context';
import { isEmptyRoot, isGroup, newCondition, unplacedDetails } from './builder/tree';
import { DeleteSegment } from './DeleteSegment';
import { HistoryChart } from './HistoryChart';
import { conditionFromJson, JsonEditor, parseJson } from './JsonEditor';
import { LiveSize } from './LiveSize';
import { MembersTable } from './MembersTable';
import { segmentStrings } from './strings';

export interface Draft {
  name: string;
  description: string;
  condition: SegmentCondition;
}

/** Debounce of the live size: counting starts once typing pauses this long. */
const PREVIEW_DELAY_MS = 400;
const ROOT = 'condition';

/**
 * `/segments/new` and `/segments/:id`: name, condition (builder or JSON), the live size of what
 * is on screen, save and delete; for a saved segment its history and members below.
 */
export function SegmentEditor({ segment, initial }: { segment?: Segment; initial: Draft }) {
  const t = useT(segmentStrings);
  const { canEdit } = useSession();
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const [condition, setCondition] = useState(initial.condition);
  const [mode, setMode] = useState<'builder' | 'json'>('builder');
  const [jsonText, setJsonText] = useState('');
  const [jsonRefused, setJsonRefused] = useState(false);
  const parsedJson = useMemo(() => parseJson(jsonText), [jsonText]);

  // What would be saved: the builder's tree, or whatever the JSON holds (the server judges it).
  const current: unknown =
    mode === 'json' ? (parsedJson.ok ? parsedJson.value : undefined) : condition;
  const countable = current !== undefined && !(mode === 'builder' && isEmptyRoot(condition));
  const [debounced] = useDebouncedValue(countable ? current : undefined, PREVIEW_DELAY_MS);
  const preview = usePreview(debounced, canEdit && debounced !== undefined);

  const save = useMutation({
    mutationFn: (body: { name: string; description?: string; condition: unknown }) =>
      segment
        ? put<Segment>(segmentPath(segment.id), body)
        : post<Segment>('/api/v1/segments', body),
    onSuccess: (saved) => {
      queryClient.setQueryData(segmentKeys.one(saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: segmentKeys.all });
      if (!segment) navigate(`/segments/${encodeURIComponent(saved.id)}`);
    },
  });

  const edit =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      if (save.error || save.isSuccess) save.reset();
      set(v);
    };
  const changeCondition = edit(setCondition);

  // The newest faults: the save's if it failed, else the live preview's.
  const failure = save.error ?? (countable ? preview.error : null);
  const details = failure instanceof ApiError ? failure.details : [];
  const conditionDetails = details.filter(
    (d) => d.field === ROOT || d.field.startsWith(`${ROOT}.`),
  );
  const otherFailure =
    failure &&
    conditionDetails.length === 0 &&
    !(failure instanceof ApiError && failure.fieldMessage('name'))
      ? failure
      : null;

  const switchMode = (next: string | null) => {
    if (next === 'json' && mode === 'builder') {
      setJsonText(JSON.stringify(condition, null, 2));
      setJsonRefused(false);
      setMode('json');
    } else if (next === 'builder' && mode === 'json') {
      const back = parsedJson.ok ? conditionFromJson(parsedJson.value) : null;
      setJsonRefused(back === null);
      if (back) {
        setCondition(back);
        setMode('builder');
      }
    }
  };

  const submit = () =>
    save.mutate({
      name: name.trim(),
      ...(description.trim() !== '' ? { description: description.trim() } : {}),
      condition: current,
    });

  return (
    <>
      <Anchor component={Link} href="/segments" size="sm">
        {t('allSegments')}
      </Anchor>
      <PageHeader
        title={segment ? segment.name : t('newTitle')}
        description={segment?.description}
        actions={
          canEdit ? (
            <>
              {segment ? <DeleteSegment id={segment.id} /> : null}
              <Button
                onClick={submit}
                loading={save.isPending}
                disabled={current === undefined}
                data-testid="segment-save"
              >
                {t('save')}
              </Button>
            </>
          ) : null
        }
      />
      <Stack gap="lg">
        {!canEdit ? <Alert color="gray">{t('readOnly')}</Alert> : null}
        {save.isSuccess ? (
          <Alert color="teal" data-testid="segment-saved">
            {t('saved')}
          </Alert>
        ) : null}
        <ErrorAlert error={otherFailure} />
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 8 }}>
            <Stack gap="md">
              <TextInput
                label={t('name')}
                required
                disabled={!canEdit}
                data-testid="segment-name"
                error={save.error instanceof ApiError ? save.error.fieldMessage('name') : undefined}
                value={name}
                onChange={(e) => edit(setName)(e.currentTarget.value)}
              />
              <Textarea
                label={t('descriptionLabel')}
                autosize
                minRows={1}
                disabled={!canEdit}
                data-testid="segment-description"
                error={
                  save.error instanceof ApiError
                    ? save.error.fieldMessage('description')
                    : undefined
                }
                value={description}
                onChange={(e) => edit(setDescription)(e.currentTarget.value)}
              />
              <Tabs value={mode} onChange={switchMode} keepMounted={false}>
                <Tabs.List>
                  <Tabs.Tab value="builder" data-testid="segment-tab-builder">
                    {t('builderTab')}
                  </Tabs.Tab>
                  <Tabs.Tab value="json" data-testid="segment-tab-json">
                    {t('jsonTab')}
                  </Tabs.Tab>
                </Tabs.List>
                <Tabs.Panel value="builder" pt="md">
                  <Builder
                    condition={condition}
                    onChange={changeCondition}
                    details={conditionDetails}
                    selfId={segment?.id}
                  />
                </Tabs.Panel>
                <Tabs.Panel value="json" pt="md">
                  <JsonEditor
                    text={jsonText}
                    onChange={edit(setJsonText)}
                    disabled={!canEdit}
                    details={conditionDetails}
                    notCondition={jsonRefused}
                  />
                </Tabs.Panel>
              </Tabs>
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <div style={{ position: 'sticky', top: 72 }}>
              {canEdit ? (
                <LiveSize
                  count={countable ? preview.data?.count : undefined}
                  busy={countable && (preview.isFetching || debounced !== current)}
                  tookMs={countable ? preview.data?.tookMs : undefined}
                  sample={countable ? preview.data?.sample : undefined}
                  hint={countable ? undefined : t('addToSee')}
                />
              ) : segment ? (
                <SavedSize id={segment.id} />
              ) : null}
            </div>
          </Grid.Col>
        </Grid>
        {segment ? (
          <>
            <HistoryChart id={segment.id} />
            <MembersTable id={segment.id} />
          </>
        ) : null}
      </Stack>
    </>
  );
}

/** Viewers do not preview (it is a POST); they see the saved segment counted now. */
function SavedSize({ id }: { id: string }) {
  const count = useSegmentCount(id);
  return <LiveSize count={count.data?.count} busy={count.isFetching} />;
}

/** The builder with what its nodes need: field registry, other segments, faults, read-only. */
function Builder(props: {
  condition: SegmentCondition;
  onChange: (c: SegmentCondition) => void;
  details: BuilderEnv['details'];
  selfId?: string;
}) {
  const t = useT(segmentStrings);
  const { canEdit } = useSession();
  const fields = useFields();
  const segments = useSegments();
  const env = useMemo<BuilderEnv>(
    () => ({
      fields: fields.data ?? [],
      segments: (segments.data ?? [])
        .filter((s) => s.id !== props.selfId)
        .map((s) => ({ value: s.id, label: s.name })),
      disabled: !canEdit,
      details: props.details,
    }),
    [fields.data, segments.data, props.selfId, canEdit, props.details],
  );
  const unplaced = unplacedDetails(props.condition, ROOT, props.details);
  const { condition, onChange } = props;
  return (
    <BuilderContext.Provider value={env}>
      <Stack gap="sm">
        <ErrorAlert error={fields.error} />
        {unplaced.length > 0 ? (
          <Alert color="red" title={t('conditionProblems')} data-testid="segment-errors">
            <List size="sm">
              {unplaced.map((d, i) => (
                <List.Item key={i}>
                  <bdi>{d.field}</bdi>: {d.message}
                </List.Item>
              ))}
            </List>
          </Alert>
        ) : null}
        <ConditionNode
          value={condition}
          path={ROOT}
          onChange={onChange}
          // The root is never removed: a removed leaf root leaves an empty group to add to.
          onRemove={
            isGroup(condition) ? undefined : () => onChange({ type: 'and', conditions: [] })
          }
        />
        {!isGroup(condition) ? (
          <AddConditionMenu
            path={ROOT}
            onAdd={(kind) => onChange({ type: 'and', conditions: [condition, newCondition(kind)] })}
          />
        ) : null}
      </Stack>
    </BuilderContext.Provider>
  );
}
