import { Badge, Group, Text } from '@mantine/core';
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useRef, type CSSProperties } from 'react';
import { useFormat, useT } from '../../../i18n/i18n';
import { useCanvasInfo, type CanvasInfo } from './canvas-context';
import { blockSummary, blockTitle, outputLabel } from './describe';
import { NODE_WIDTH } from './layout';
import { NODE_TYPE, outputsOf, type JourneyNode, type JourneyNodeData } from './model';
import { editorStrings, type EditorT } from './strings';

const frame = (selected: boolean, failed: boolean, trigger: boolean): CSSProperties => ({
  width: NODE_WIDTH,
  padding: '8px 10px 4px',
  borderRadius: 8,
  background: trigger ? 'var(--mantine-color-teal-0)' : 'var(--mantine-color-body)',
  border: `${selected || failed ? 2 : 1}px solid var(--mantine-color-${
    failed ? 'red-6' : selected ? 'teal-6' : 'gray-4'
  })`,
  boxShadow: 'var(--mantine-shadow-xs)',
});

/**
 * One block. Memoized, and reading shared information from context, so dragging one block or
 * editing another does not re-render it: a 60-block journey stays smooth.
 */
export const JourneyNodeView = memo(function JourneyNodeView({
  id,
  data,
  selected,
}: NodeProps<JourneyNode>) {
  const t = useT(editorStrings);
  const info = useCanvasInfo();
  const problems = info.problems.get(id);
  const outputs = outputsOf(data);
  const trigger = data.kind === 'trigger';
  const counts = countsOf(id, data, info);
  useHandlesFollow(id, outputs.map((o) => o.handle).join(' '));
  return (
    <div data-testid={`node-${id}`} style={frame(selected, problems !== undefined, trigger)}>
      {trigger ? null : (
        <Handle type="target" position={Position.Top} isConnectable={!info.readOnly} />
      )}
      <Text size="xs" c="dimmed" truncate>
        {trigger ? t('triggerBadge') : <bdi>{id}</bdi>}
      </Text>
      <Text size="sm" fw={600} truncate dir="auto">
        {blockTitle(data, info, t)}
      </Text>
      <Text size="xs" truncate dir="auto">
        {blockSummary(data, info, t)}
      </Text>
      {problems ? (
        <Text size="xs" c="red.7" data-testid="node-error" lineClamp={2} dir="auto">
          {problems[0]?.message}
          {problems.length > 1 ? ` (+${problems.length - 1})` : ''}
        </Text>
      ) : null}
      {counts ? <NodeCounts id={id} counts={counts} t={t} /> : null}
      <Group justify="space-around" wrap="nowrap" gap={2} mt={4} mih={outputs.length > 1 ? 18 : 6}>
        {outputs.length > 1
          ? outputs.map((o) => (
              <Text
                key={o.handle}
                size="10px"
                c="dimmed"
                truncate
                ta="center"
                dir="auto"
                style={{ flex: 1 }}
              >
                {outputLabel(o, t)}
                {branchCount(id, o.to, info)}
              </Text>
            ))
          : null}
      </Group>
      {outputs.map((o, i) => (
        <Handle
          key={o.handle}
          id={o.handle}
          type="source"
          position={Position.Bottom}
          isConnectable={!info.readOnly}
          title={outputLabel(o, t)}
          style={{ left: `${((i + 0.5) / outputs.length) * 100}%` }}
        />
      ))}
    </div>
  );
});

/** A split that gains or loses a branch has new handles: React Flow must measure them again. */
function useHandlesFollow(id: string, handles: string) {
  const update = useUpdateNodeInternals();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else update(id);
  }, [id, handles, update]);
}

/** Registered once, outside any component: React Flow re-mounts every node if this changes. */
export const nodeTypes = { [NODE_TYPE]: JourneyNodeView };

type Count = { key: string; value: number };

function countsOf(id: string, data: JourneyNodeData, info: CanvasInfo): Count[] | null {
  if (!info.stats) return null;
  if (data.kind === 'trigger') {
    const s = info.stats.totals;
    return [
      { key: 'entered', value: s.entered },
      { key: 'waiting', value: s.active },
      { key: 'converted', value: s.converted },
    ];
  }
  const s = info.stats.byStep.get(id);
  if (!s) return [];
  const outcomes = Object.entries(s.outcomes)
    .filter(([, n]) => n > 0)
    .map(([key, value]) => ({ key, value }));
  return s.waiting > 0 ? [{ key: 'waiting', value: s.waiting }, ...outcomes] : outcomes;
}

function branchCount(id: string, to: string, info: CanvasInfo): string {
  const n = info.stats?.byStep.get(id)?.branches[to];
  return n ? ` · ${n}` : '';
}

const countLabels: Record<string, Parameters<EditorT>[0]> = {
  entered: 'count_entered',
  waiting: 'count_waiting',
  converted: 'count_converted',
  sent: 'count_sent',
  skipped: 'count_skipped',
  delayed: 'count_delayed',
  branch: 'count_branch',
  waited: 'count_waited',
  event_received: 'count_event_received',
  timed_out: 'count_timed_out',
  updated: 'count_updated',
  holdout: 'count_holdout',
  exited: 'count_exited',
  completed: 'count_completed',
};

function NodeCounts({ id, counts, t }: { id: string; counts: Count[]; t: EditorT }) {
  const format = useFormat();
  return (
    <Group gap={4} mt={4} data-testid={`node-count-${id}`}>
      {counts.length === 0 ? (
        <Badge size="xs" variant="default">
          {t('count_none')}
        </Badge>
      ) : (
        counts.map((c) => {
          const key = countLabels[c.key];
          return (
            <Badge key={c.key} size="xs" variant="default" data-count={c.key}>
              {format.number(c.value)} {key ? t(key) : c.key}
            </Badge>
          );
        })
      )}
    </Group>
  );
}
