import { useState } from 'react';

/**
 * Paging through a cursor API: the server only knows "the page after this cursor", so going
 * back keeps the cursors of the pages already seen. A new `resetKey` (another search) starts
 * again at page one.
 */
export function useCursorPager(resetKey: string) {
  const [state, setState] = useState({ key: resetKey, cursors: [] as string[] });
  // Adjusting state while rendering (React's documented pattern) avoids one stale fetch.
  if (state.key !== resetKey) setState({ key: resetKey, cursors: [] });
  const cursors = state.key === resetKey ? state.cursors : [];
  return {
    cursor: cursors.at(-1),
    page: cursors.length + 1,
    canGoBack: cursors.length > 0,
    next: (cursor: string) => setState((s) => ({ ...s, cursors: [...s.cursors, cursor] })),
    back: () => setState((s) => ({ ...s, cursors: s.cursors.slice(0, -1) })),
  };
}
