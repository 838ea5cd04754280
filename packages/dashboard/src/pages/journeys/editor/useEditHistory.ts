import { useCallback, useRef, useState, type RefObject } from 'react';

/** How many steps back the canvas remembers. */
const LIMIT = 100;

/**
 * Undo and redo over whole snapshots of the draft (the blocks are immutable objects, so a
 * snapshot is a list of references, not a copy). `checkpoint` is called before each edit; a key
 * merges a run of edits to the same thing (typing a subject into one block) into one step.
 */
export function useEditHistory<S>(current: () => S, restore: (snapshot: S, from: S) => void) {
  const past = useRef<S[]>([]);
  const future = useRef<S[]>([]);
  const lastKey = useRef<string | null>(null);
  // The stacks live in refs (edits must not re-render for them); this re-renders the buttons.
  const [, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);

  const checkpoint = useCallback(
    (key?: string) => {
      if (key !== undefined && key === lastKey.current) return;
      lastKey.current = key ?? null;
      past.current.push(current());
      if (past.current.length > LIMIT) past.current.shift();
      future.current = [];
      changed();
    },
    [current],
  );

  const step = useCallback(
    (from: RefObject<S[]>, to: RefObject<S[]>) => {
      const snapshot = from.current.pop();
      if (snapshot === undefined) return;
      const now = current();
      to.current.push(now);
      lastKey.current = null;
      restore(snapshot, now);
      changed();
    },
    [current, restore],
  );
  const undo = useCallback(() => step(past, future), [step]);
  const redo = useCallback(() => step(future, past), [step]);

  return {
    checkpoint,
    undo,
    redo,
    canUndo: past.current.length > 0,
    canRedo: future.current.length > 0,
  };
}
