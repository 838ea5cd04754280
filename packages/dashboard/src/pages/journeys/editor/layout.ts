import type { XYPosition } from '@xyflow/react';
import { outputsOf, TRIGGER_NODE_ID, type JourneyNodeData } from './model';

export const NODE_WIDTH = 230;
const COLUMN = NODE_WIDTH + 50;
export const ROW = 170;

/**
 * Top-down by graph depth: the trigger on top, each block one row below the deepest block
 * leading to it (so branches that meet again continue below both), under the output that leads
 * to it. The definition has no room for positions, so a loaded journey is laid out every time;
 * blocks that nothing reaches yet go in rows of their own at the bottom.
 */
export function layoutPositions(nodes: { id: string; data: JourneyNodeData }[]) {
  const byId = new Map(nodes.map((n) => [n.id, n.data]));
  const children = (id: string) => {
    const data = byId.get(id);
    return data
      ? outputsOf(data)
          .map((o) => o.to)
          .filter((to) => byId.has(to))
      : [];
  };

  // Longest path from the roots; the graph has no loops (the API refuses them), but a draft
  // being edited might, so a node on the current path is not followed again.
  const depth = new Map<string, number>();
  const onPath = new Set<string>();
  const deepen = (id: string, d: number) => {
    if (onPath.has(id) || (depth.get(id) ?? -1) >= d) return;
    depth.set(id, d);
    onPath.add(id);
    for (const child of children(id)) deepen(child, d + 1);
    onPath.delete(id);
  };
  if (byId.has(TRIGGER_NODE_ID)) deepen(TRIGGER_NODE_ID, 0);
  let bottom = Math.max(-1, ...depth.values());
  for (const n of nodes) {
    if (depth.has(n.id)) continue;
    deepen(n.id, bottom + 1);
    bottom = Math.max(bottom, ...depth.values());
  }

  // Row by row, each block wants to sit under the outputs leading to it (branches fan out left
  // to right; where they meet again, halfway between); a row keeps that order, pushed apart
  // so that no two blocks overlap.
  const wants = new Map<string, number[]>();
  const rows = new Map<number, string[]>();
  for (const n of nodes) {
    const d = depth.get(n.id) ?? 0;
    rows.set(d, [...(rows.get(d) ?? []), n.id]);
  }
  const positions = new Map<string, XYPosition>();
  for (const d of [...rows.keys()].sort((a, b) => a - b)) {
    const ids = rows.get(d) ?? [];
    const desired = new Map(
      ids.map((id, k) => {
        const w = wants.get(id);
        return [id, w ? w.reduce((a, b) => a + b, 0) / w.length : k * COLUMN] as const;
      }),
    );
    const want = (id: string) => desired.get(id) ?? 0;
    ids.sort((a, b) => want(a) - want(b));
    const xs: number[] = [];
    ids.forEach((id, k) =>
      xs.push(k === 0 ? want(id) : Math.max(want(id), (xs[k - 1] ?? 0) + COLUMN)),
    );
    // Pushing apart moves a crowded row rightwards: centre it on where it wanted to be.
    const shift = ids.reduce((sum, id, k) => sum + want(id) - (xs[k] ?? 0), 0) / ids.length;
    ids.forEach((id, k) => {
      const x = (xs[k] ?? 0) + shift;
      positions.set(id, { x, y: d * ROW });
      const kids = children(id);
      kids.forEach((child, i) =>
        wants.set(child, [...(wants.get(child) ?? []), x + (i - (kids.length - 1) / 2) * COLUMN]),
      );
    });
  }
  return positions;
}
