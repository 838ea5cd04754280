import { createContext, useContext, useMemo } from 'react';
import type { ErrorDetail } from '../../../api/client';
import type { FieldInfo } from '../api';
import { ownsDetail } from './tree';

/** What every node of the builder needs from the page, without threading it through each level. */
export interface BuilderEnv {
  fields: FieldInfo[];
  /** Other segments of the workspace, for membership conditions. */
  segments: { value: string; label: string }[];
  /** Viewers: everything shown, nothing changeable. */
  disabled: boolean;
  /** The latest faults the server named, by JSON path. */
  details: ErrorDetail[];
}

export const BuilderContext = createContext<BuilderEnv>({
  fields: [],
  segments: [],
  disabled: true,
  details: [],
});

export const useBuilder = () => useContext(BuilderContext);

/** The messages of the faults this node owns (see `ownsDetail`). */
export function useFaults(path: string, leaf: boolean): string[] {
  const { details } = useBuilder();
  return useMemo(
    () =>
      details
        .filter((d) => ownsDetail(path, leaf, d.field))
        .map((d) =>
          d.field === path ? d.message : `${d.field.slice(path.length + 1)}: ${d.message}`,
        ),
    [details, path, leaf],
  );
}

/**
 * Whether the server faulted exactly this input: it is outlined in red, while the message is
 * listed once under the node that owns it.
 */
export function useFaultAt(path: string): boolean {
  const { details } = useBuilder();
  return details.some((d) => d.field === path);
}
