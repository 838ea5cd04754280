import type { Journey } from '@comeback/contracts';
import { Alert, Anchor, Group, List, Stack, Tabs } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import { ApiError } from '../../../api/client';
import { useSession } from '../../../api/session';
import { PageHeader } from '../../../components/PageHeader';
import { ErrorAlert } from '../../../components/QueryView';
import { useT } from '../../../i18n/i18n';
import { BacktestPanel } from '../backtest/BacktestPanel';
import { fetchJourneyStats, journeyKeys } from '../list/journey-queries';
import { VersionsPanel } from '../versions/VersionsPanel';
import { Canvas } from './Canvas';
import { CanvasContext, type CanvasInfo } from './canvas-context';
import { EditorToolbar } from './EditorToolbar';
import { layoutPositions } from './layout';
import { defaultMeta, metaOf, nodesOf, TRIGGER_NODE_ID, type JourneyNode } from './model';
import { Palette } from './Palette';
import { rememberedPositions } from './positions';
import { problemsByNode, type Problem } from './problems';
import { useSegmentReferences, useTemplateReferences } from './references';
import { SidePanel } from './SidePanel';
import { editorStrings } from './strings';
import { useJourneyActions } from './useJourneyActions';
import { useJourneyEditor, type JourneyEditor as Editor } from './useJourneyEditor';

const STATS_EVERY_MS = 5_000;

/** The canvas as the API has it: laid out by depth, or where this tab last left the blocks. */
function initialState(journey: Journey | null) {
  if (!journey) return { meta: defaultMeta(), nodes: [] };
  const placed = nodesOf(journey.definition, new Map());
  const laidOut = layoutPositions(placed);
  const kept = rememberedPositions(journey.id);
  const nodes = placed.map((n): JourneyNode => ({
    ...n,
    position: kept?.get(n.id) ?? laidOut.get(n.id) ?? n.position,
  }));
  return { meta: metaOf(journey.definition), nodes };
}

export function JourneyEditor({ journey }: { journey: Journey | null }) {
  return (
    <ReactFlowProvider>
      <EditorBody journey={journey} />
    </ReactFlowProvider>
  );
}

function EditorBody({ journey }: { journey: Journey | null }) {
  const t = useT(editorStrings);
  const { canEdit } = useSession();
  const readOnly = !canEdit || journey?.status === 'archived';
  // The editor owns the draft from here on; refetches of the journey update only its status.
  const [initial] = useState(() => initialState(journey));
  const editor = useJourneyEditor(initial);
  const { problems, save, lifecycle } = useJourneyActions(journey, editor);
  const info = useCanvasState(journey, readOnly, problems);
  useLeaveWarning(editor.dirty);
  // Typing fields keep their own undo: the hotkeys skip inputs, text areas and selects.
  useHotkeys(
    readOnly
      ? []
      : [
          ['mod+Z', editor.undo],
          ['mod+shift+Z', editor.redo],
          ['mod+Y', editor.redo],
        ],
  );

  const canvas = (
    <Group align="flex-start" gap="sm" wrap="nowrap">
      {readOnly ? null : <Palette onAdd={editor.appendBlock} />}
      <Canvas editor={editor} readOnly={readOnly} />
      <SidePanel editor={editor} problems={problems} readOnly={readOnly} />
    </Group>
  );
  return (
    <CanvasContext.Provider value={info}>
      <PageHeader
        title={editor.meta.name.trim() || t('untitled')}
        description={journey ? undefined : t('newHint')}
        actions={
          <EditorToolbar
            journey={journey}
            canEdit={canEdit}
            dirty={editor.dirty}
            saving={save.isPending}
            busy={lifecycle.isPending ? (lifecycle.variables ?? null) : null}
            onSave={() => {
              lifecycle.reset();
              save.mutate();
            }}
            onLifecycle={(action) => lifecycle.mutate(action)}
            history={editor}
          />
        }
      />
      <Stack gap="sm">
        <ErrorAlert error={lifecycle.error ?? saveFailure(save.error)} title={t('failed')} />
        <ProblemList problems={problems} editor={editor} />
        {journey ? (
          <Tabs defaultValue="canvas" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="canvas">{t('tabCanvas')}</Tabs.Tab>
              <Tabs.Tab value="versions">{t('tabVersions')}</Tabs.Tab>
              <Tabs.Tab value="backtest">{t('tabBacktest')}</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="canvas" pt="sm">
              {canvas}
            </Tabs.Panel>
            <Tabs.Panel value="versions" pt="sm">
              <VersionsPanel journeyId={journey.id} />
            </Tabs.Panel>
            <Tabs.Panel value="backtest" pt="sm">
              <BacktestPanel journeyId={journey.id} />
            </Tabs.Panel>
          </Tabs>
        ) : (
          canvas
        )}
      </Stack>
    </CanvasContext.Provider>
  );
}

/** A refusal that names fields is shown on the blocks and in the list, not again here. */
const saveFailure = (error: Error | null) =>
  error instanceof ApiError && error.details.length > 0 ? null : error;

/** Live counts (every 5 s, once the journey has run), faults by block, and the names behind template and segment ids. */
function useCanvasState(
  journey: Journey | null,
  readOnly: boolean,
  problems: Problem[],
): CanvasInfo {
  const stats = useQuery({
    queryKey: journeyKeys.stats(journey?.id ?? ''),
    queryFn: () => fetchJourneyStats(journey?.id ?? ''),
    enabled: journey !== null && journey.activeVersion !== null,
    refetchInterval: STATS_EVERY_MS,
  });
  const templates = useTemplateReferences().byRef;
  const segments = useSegmentReferences().byRef;
  const byNode = useMemo(() => problemsByNode(problems), [problems]);
  const data = stats.data;
  const counts = useMemo(
    () => (data ? { totals: data, byStep: new Map(data.steps.map((s) => [s.step, s])) } : null),
    [data],
  );
  return useMemo(
    () => ({ readOnly, problems: byNode, stats: counts, templates, segments }),
    [readOnly, byNode, counts, templates, segments],
  );
}

/** Every fault in one list; a fault on a block selects it and brings it into view. */
function ProblemList({ problems, editor }: { problems: Problem[]; editor: Editor }) {
  const t = useT(editorStrings);
  const { fitView } = useReactFlow();
  if (problems.length === 0) return null;
  const show = (nodeId: string) => {
    editor.select(nodeId);
    void fitView({ nodes: [{ id: nodeId }], maxZoom: 1, duration: 300 });
  };
  return (
    <Alert
      color="red"
      title={t('problemsTitle', { count: problems.length })}
      data-testid="journey-problems"
    >
      <List size="sm" spacing={2}>
        {problems.map((p, i) => (
          <List.Item key={i}>
            {p.nodeId ? (
              <Anchor
                component="button"
                type="button"
                size="sm"
                onClick={() => show(p.nodeId ?? '')}
              >
                {p.nodeId === TRIGGER_NODE_ID ? t('triggerBadge') : <bdi>{p.nodeId}</bdi>}
              </Anchor>
            ) : (
              <bdi>{p.field}</bdi>
            )}
            {': '}
            {p.message}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

/** Closing the tab with unsaved changes asks first. */
function useLeaveWarning(dirty: boolean) {
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
}
