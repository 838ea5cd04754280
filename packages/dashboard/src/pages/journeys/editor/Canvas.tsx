import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Edge,
  type IsValidConnection,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useMemo, useState, type DragEvent } from 'react';
import { useT } from '../../../i18n/i18n';
import { nodeTypes } from './JourneyNodeView';
import { ROW } from './layout';
import { isPaletteKind, outputsOf, TRIGGER_NODE_ID, wouldLoop, type JourneyNode } from './model';
import { PALETTE_MIME } from './Palette';
import { editorStrings } from './strings';
import { edgeId, type JourneyEditor } from './useJourneyEditor';
import { useBlocks } from './useStableList';

const marker = { type: MarkerType.ArrowClosed, width: 16, height: 16 };
const deleteKeys = ['Backspace', 'Delete'];
const FIRST_ROWS = 4;

/**
 * The flow chart. It stays left-to-right in Hebrew too (a chart, not text), so the wrapper is
 * dir="ltr"; blocks dropped from the palette land where the pointer is.
 */
export function Canvas({ editor, readOnly }: { editor: JourneyEditor; readOnly: boolean }) {
  const t = useT(editorStrings);
  const { screenToFlowPosition, getNodes } = useReactFlow<JourneyNode>();
  const { nodes, selectedEdges, addBlock, connect } = editor;
  const edges = useEdges(nodes, selectedEdges);
  // A journey opens on its first rows, readable (a 60-block journey fitted whole is not); an
  // empty canvas keeps its scale, so a block lands exactly where it is dropped.
  const [fit] = useState(() => {
    const top = Math.min(...nodes.map((n) => n.position.y));
    const first = nodes.filter((n) => n.position.y <= top + FIRST_ROWS * ROW);
    return first.length > 0 ? { nodes: first.map((n) => ({ id: n.id })), maxZoom: 1 } : null;
  });

  // Into a step (never the trigger), not from a block to itself, and never closing a loop.
  const isValidConnection = useCallback<IsValidConnection>(
    (c) =>
      c.source !== c.target &&
      c.target !== TRIGGER_NODE_ID &&
      !wouldLoop(getNodes(), c.source, c.target),
    [getNodes],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(PALETTE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(PALETTE_MIME);
      if (!isPaletteKind(kind)) return;
      event.preventDefault();
      addBlock(kind, screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    },
    [addBlock, screenToFlowPosition],
  );

  return (
    <div
      dir="ltr"
      data-testid="journey-canvas"
      aria-label={t('canvasLabel')}
      role="region"
      style={{
        flex: 1,
        minWidth: 0,
        height: '72vh',
        border: '1px solid var(--mantine-color-gray-3)',
        borderRadius: 8,
      }}
      onDragOver={readOnly ? undefined : onDragOver}
      onDrop={readOnly ? undefined : onDrop}
    >
      <ReactFlow<JourneyNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={editor.onNodesChange}
        onEdgesChange={editor.onEdgesChange}
        onConnect={connect}
        isValidConnection={isValidConnection}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesReconnectable={false}
        deleteKeyCode={readOnly ? null : deleteKeys}
        defaultEdgeOptions={{ type: 'smoothstep', markerEnd: marker }}
        fitView={fit !== null}
        fitViewOptions={fit ?? undefined}
        minZoom={0.15}
      >
        <Background gap={20} />
        <Controls showInteractive={!readOnly} />
        <MiniMap pannable zoomable ariaLabel={t('minimapLabel')} />
      </ReactFlow>
    </div>
  );
}

/** Edges come from the blocks' outputs, rebuilt only when a block's contents change. */
function useEdges(nodes: JourneyNode[], selected: ReadonlySet<string>): Edge[] {
  const blocks = useBlocks(nodes);
  return useMemo(() => {
    const present = new Set(blocks.map((b) => b.id));
    return blocks.flatMap(({ id: source, data }) =>
      outputsOf(data)
        .filter((o) => present.has(o.to))
        .map((o) => {
          const id = edgeId(source, o.handle);
          return { id, source, sourceHandle: o.handle, target: o.to, selected: selected.has(id) };
        }),
    );
  }, [blocks, selected]);
}
