import type { ChannelKind, JourneyStats } from '@comeback/contracts';
import { createContext, useContext } from 'react';
import type { Problem } from './problems';

export type StepStats = JourneyStats['steps'][number];

/** A template or segment as a block shows it, found by the id or the name a step names it by. */
export interface Reference {
  id: string;
  name: string;
  channel?: ChannelKind;
}

/**
 * What every block on the canvas reads besides its own data: live counts, the faults found,
 * the names behind references. One context whose value changes only when one of these does
 * (the stats query shares structure, so an unchanged refetch keeps the same objects).
 */
export interface CanvasInfo {
  readOnly: boolean;
  problems: ReadonlyMap<string, Problem[]>;
  stats: { totals: JourneyStats; byStep: ReadonlyMap<string, StepStats> } | null;
  templates: ReadonlyMap<string, Reference>;
  segments: ReadonlyMap<string, Reference>;
}

export const CanvasContext = createContext<CanvasInfo>({
  readOnly: true,
  problems: new Map(),
  stats: null,
  templates: new Map(),
  segments: new Map(),
});

export const useCanvasInfo = () => useContext(CanvasContext);
