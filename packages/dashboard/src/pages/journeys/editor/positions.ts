import type { XYPosition } from '@xyflow/react';

/**
 * Where blocks were last placed, per journey, for this browser tab. The definition has no room
 * for positions, so this is what keeps a hand-arranged canvas in place across a save (a new
 * journey's page is re-opened under its id) and when coming back to it.
 */
const remembered = new Map<string, Map<string, XYPosition>>();

export function rememberPositions(
  journeyId: string,
  nodes: readonly { id: string; position: XYPosition }[],
): void {
  remembered.set(journeyId, new Map(nodes.map((n) => [n.id, n.position])));
}

export const rememberedPositions = (journeyId: string) => remembered.get(journeyId);
