import type { XYPosition } from '@xyflow/react';

/**
 * Where blocks were last placed, per journey, in this browser (localStorage, else this tab's
 * memory). The definition has no room for positions (a layout is not part of what a version
 * does, and a diff of versions should not list moved blocks), so this is what keeps a
 * hand-arranged canvas in place across a save, a reload and a later visit. Another browser
 * sees the automatic layout by depth.
 */
const remembered = new Map<string, Map<string, XYPosition>>();
const storageKey = (journeyId: string) => `comeback.journey-positions.${journeyId}`;

const isPosition = (v: unknown): v is XYPosition =>
  typeof v === 'object' &&
  v !== null &&
  'x' in v &&
  'y' in v &&
  Number.isFinite(v.x) &&
  Number.isFinite(v.y);

export function rememberPositions(
  journeyId: string,
  nodes: readonly { id: string; position: XYPosition }[],
): void {
  const positions = new Map(nodes.map((n) => [n.id, n.position]));
  remembered.set(journeyId, positions);
  try {
    localStorage.setItem(storageKey(journeyId), JSON.stringify([...positions]));
  } catch {
    // Storage full or disabled: this tab still remembers.
  }
}

export function rememberedPositions(journeyId: string): Map<string, XYPosition> | undefined {
  const inTab = remembered.get(journeyId);
  if (inTab) return inTab;
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(storageKey(journeyId)) ?? 'null');
    if (!Array.isArray(stored)) return undefined;
    const positions = new Map<string, XYPosition>();
    for (const entry of stored as unknown[])
      if (Array.isArray(entry) && typeof entry[0] === 'string' && isPosition(entry[1]))
        positions.set(entry[0], { x: entry[1].x, y: entry[1].y });
    return positions;
  } catch {
    return undefined;
  }
}
