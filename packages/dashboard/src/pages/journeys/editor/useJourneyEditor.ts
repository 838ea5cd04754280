import {
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type XYPosition,
} from '@xyflow/react';
import { useCallback, useMemo, useRef, useState } from 'react';
import { NODE_WIDTH, ROW } from './layout';
import { useEditHistory } from './useEditHistory';
import {
  blockOf,
  newStep,
  newStepId,
  newTrigger,
  NODE_TYPE,
  outputsOf,
  TRIGGER_NODE_ID,
  withOutput,
  withoutReferences,
  type JourneyMeta,
  type JourneyNode,
  type JourneyNodeData,
  type PaletteKind,
} from './model';

/** Edge ids name their source and handle: `wait_1:next`, `split_1:branches.0.next`. */
export const edgeId = (source: string, handle: string) => `${source}:${handle}`;
const parseEdgeId = (id: string) => {
  const at = id.indexOf(':');
  return { source: id.slice(0, at), handle: id.slice(at + 1) };
};

const deselected = (ns: JourneyNode[]) =>
  ns.map((n) => (n.selected ? { ...n, selected: false } : n));

/**
 * The canvas's state and every edit to it. React Flow keeps the nodes (position, size,
 * selection) through `onNodesChange`; blocks' contents change only through these actions, each
 * replacing just the node it touches so the other (memoized) nodes do not re-render.
 */
export function useJourneyEditor(initial: { meta: JourneyMeta; nodes: JourneyNode[] }) {
  const [nodes, setNodes] = useState(initial.nodes);
  const [meta, setMetaState] = useState(initial.meta);
  const [dirty, setDirty] = useState(false);
  /** Blocks edited since the last save: the API's old complaints about them no longer hold. */
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  const [selectedEdges, setSelectedEdges] = useState<ReadonlySet<string>>(new Set());

  const touch = useCallback((ids: string[]) => {
    setDirty(true);
    setEdited((prev) => (ids.every((id) => prev.has(id)) ? prev : new Set([...prev, ...ids])));
  }, []);

  // The latest draft for callbacks that stay the same across renders (the memoized palette
  // must not re-render while blocks are dragged) and for the edit history's snapshots.
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;
  const metaRef = useRef(meta);
  metaRef.current = meta;
  const snapshot = useCallback(() => ({ nodes: nodesRef.current, meta: metaRef.current }), []);
  const restore = useCallback(
    (to: { nodes: JourneyNode[]; meta: JourneyMeta }, from: { nodes: JourneyNode[] }) => {
      const before = new Map(from.nodes.map((n) => [n.id, n]));
      const after = new Set(to.nodes.map((n) => n.id));
      // Blocks that differ are edited again: the API's complaints about them wait for a save.
      const differ = [
        ...to.nodes.filter((n) => before.get(n.id)?.data !== n.data).map((n) => n.id),
        ...from.nodes.filter((n) => !after.has(n.id)).map((n) => n.id),
      ];
      setNodes(deselected(to.nodes));
      setMetaState(to.meta);
      touch(differ);
    },
    [touch],
  );
  const history = useEditHistory(snapshot, restore);
  const { checkpoint } = history;
  /** Whether a drag is under way: one drag is one step back, however many moves it made. */
  const dragging = useRef(false);

  const onNodesChange = useCallback(
    (changes: NodeChange<JourneyNode>[]) => {
      const removed = new Set(changes.flatMap((c) => (c.type === 'remove' ? [c.id] : [])));
      const moves = changes.flatMap((c) => (c.type === 'position' ? [c] : []));
      if (moves.some((c) => c.dragging) && !dragging.current) {
        dragging.current = true;
        checkpoint();
      } else if (removed.size > 0) checkpoint();
      if (moves.some((c) => c.dragging === false)) dragging.current = false;
      setNodes((ns) => {
        const next = applyNodeChanges(changes, ns);
        return removed.size > 0 ? withoutReferences(next, removed) : next;
      });
      if (removed.size > 0) touch([...removed]);
    },
    [touch, checkpoint],
  );

  const disconnect = useCallback(
    (ids: string[]) => {
      const cut = ids.map(parseEdgeId);
      checkpoint();
      setNodes((ns) =>
        ns.map((n) => {
          let data = n.data;
          for (const c of cut) if (c.source === n.id) data = withOutput(data, c.handle, '');
          return data === n.data ? n : { ...n, data };
        }),
      );
      touch(cut.map((c) => c.source));
    },
    [touch, checkpoint],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const removed = changes.flatMap((c) => (c.type === 'remove' ? [c.id] : []));
      if (removed.length > 0) disconnect(removed);
      if (changes.some((c) => c.type === 'select'))
        setSelectedEdges((prev) => {
          const next = new Set(prev);
          for (const c of changes)
            if (c.type === 'select') {
              if (c.selected) next.add(c.id);
              else next.delete(c.id);
            }
          return next;
        });
    },
    [disconnect],
  );

  const connect = useCallback(
    ({ source, sourceHandle, target }: Connection) => {
      checkpoint();
      setNodes((ns) =>
        ns.map((n) =>
          n.id === source ? { ...n, data: withOutput(n.data, sourceHandle ?? 'next', target) } : n,
        ),
      );
      touch([source]);
    },
    [touch, checkpoint],
  );

  /** A block from the palette at `position` (centred there), selected; one trigger at most. */
  const addBlock = useCallback(
    (kind: PaletteKind, position: XYPosition, connectFrom?: { source: string; handle: string }) => {
      const at = { x: position.x - NODE_WIDTH / 2, y: position.y };
      const block = blockOf(kind);
      checkpoint();
      if ('trigger' in block) {
        setNodes((ns) => {
          const existing = ns.find((n) => n.id === TRIGGER_NODE_ID);
          const data: JourneyNodeData = {
            kind: 'trigger',
            trigger: newTrigger(block.trigger),
            start: existing?.data.kind === 'trigger' ? existing.data.start : '',
          };
          const node: JourneyNode = {
            id: TRIGGER_NODE_ID,
            type: NODE_TYPE,
            position: existing?.position ?? at,
            data,
            selected: true,
          };
          return existing
            ? deselected(ns).map((n) => (n.id === TRIGGER_NODE_ID ? { ...n, ...node } : n))
            : [node, ...deselected(ns)];
        });
        touch([TRIGGER_NODE_ID]);
        return;
      }
      const id = newStepId(block.step, new Set(nodesRef.current.map((n) => n.id)));
      const node: JourneyNode = {
        id,
        type: NODE_TYPE,
        position: at,
        data: newStep(block.step, id),
        selected: true,
      };
      setNodes((ns) => {
        const linked = connectFrom
          ? ns.map((n) =>
              n.id === connectFrom.source
                ? { ...n, data: withOutput(n.data, connectFrom.handle, id) }
                : n,
            )
          : ns;
        return [...deselected(linked), node];
      });
      touch(connectFrom ? [id, connectFrom.source] : [id]);
    },
    [touch, checkpoint],
  );

  /**
   * Clicking a palette item (the keyboard's way in): the block goes under the selected block,
   * joined to its first free output, or at the bottom of the canvas.
   */
  const appendBlock = useCallback(
    (kind: PaletteKind) => {
      const ns = nodesRef.current;
      const from = ns.find((n) => n.selected) ?? null;
      const free = from ? outputsOf(from.data).find((o) => o.to === '') : undefined;
      const lowest = ns.reduce((y, n) => Math.max(y, n.position.y), -ROW);
      const x = (from?.position.x ?? 0) + NODE_WIDTH / 2;
      const y = (from ? from.position.y : lowest) + ROW;
      const joined = from && free && !kind.startsWith('trigger_');
      addBlock(kind, { x, y }, joined ? { source: from.id, handle: free.handle } : undefined);
    },
    [addBlock],
  );

  const updateNode = useCallback(
    (id: string, data: JourneyNodeData) => {
      checkpoint(`block:${id}`);
      setNodes((ns) => ns.map((n) => (n.id === id ? { ...n, data } : n)));
      touch([id]);
    },
    [touch, checkpoint],
  );

  const removeNode = useCallback(
    (id: string) => onNodesChange([{ type: 'remove', id }]),
    [onNodesChange],
  );

  const setMeta = useCallback(
    (next: JourneyMeta) => {
      checkpoint('journey');
      setMetaState(next);
      touch([]);
    },
    [touch, checkpoint],
  );

  /** Select one block (null: none, which shows the journey's own settings). */
  const select = useCallback((id: string | null) => {
    setNodes((ns) =>
      ns.map((n) =>
        (n.selected ?? false) === (n.id === id) ? n : { ...n, selected: n.id === id },
      ),
    );
  }, []);

  const markSaved = useCallback(() => {
    setDirty(false);
    setEdited(new Set());
  }, []);

  const selected = useMemo(() => nodes.find((n) => n.selected) ?? null, [nodes]);

  return {
    nodes,
    meta,
    dirty,
    edited,
    selected,
    selectedEdges,
    onNodesChange,
    onEdgesChange,
    connect,
    addBlock,
    appendBlock,
    updateNode,
    removeNode,
    select,
    setMeta,
    markSaved,
    undo: history.undo,
    redo: history.redo,
    canUndo: history.canUndo,
    canRedo: history.canRedo,
  };
}
export type JourneyEditor = ReturnType<typeof useJourneyEditor>;
