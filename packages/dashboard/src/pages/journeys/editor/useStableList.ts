import { useMemo, useRef } from 'react';
import type { JourneyNode, JourneyNodeData } from './model';

/** The previous array while every element is the same object, so memos keyed on it hold. */
export function useStableList<T>(list: T[]): T[] {
  const previous = useRef(list);
  const same =
    previous.current.length === list.length && previous.current.every((x, i) => x === list[i]);
  if (!same) previous.current = list;
  return previous.current;
}

export interface Block {
  id: string;
  data: JourneyNodeData;
}

/**
 * The canvas's blocks without positions or selection: unchanged (the same array) while a
 * block is dragged, so edges and checks are not recomputed on every frame.
 */
export function useBlocks(nodes: JourneyNode[]): Block[] {
  const contents = useStableList(nodes.map((n) => n.data));
  const ids = useStableList(nodes.map((n) => n.id));
  return useMemo(() => contents.map((data, i) => ({ id: ids[i] ?? '', data })), [contents, ids]);
}
