import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A pass-scoped read memo. A journey pass (and anything shaped like it) works as of one
 * instant: it claims its batch, plans every enrollment, then commits. Reading a profile, a
 * template or a catalog row once per pass and reusing the answer is the same as reading it at
 * the pass's start - which is what the pass means anyway - and saves reading it again for every
 * message the pass composes (a profile was read ~4 times per message, a template twice).
 *
 * The memo lives only as long as the pass: `withReadScope` opens it, and once its function has
 * settled the scope is closed, so nothing read in it outlives the pass (work the pass left
 * running that reads later reads fresh). No invalidation across processes is needed because
 * nothing is kept between passes. Outside a scope `scoped` and `scopedMany` simply read.
 *
 * Only reads whose answers no caller mutates may go through it: every caller of a key gets the
 * same object. Reads inside a write transaction must not use it (they must see the
 * transaction's own writes): open the scope around the reads, not around the transaction.
 */
interface ReadScope {
  open: boolean;
  values: Map<string, Promise<unknown>>;
  /** Per namespace, per id: the row's load, and once it is done the row (undefined: none). */
  rows: Map<string, Map<string, RowEntry>>;
}

/**
 * One id's row in a scope. Its load is shared by every id asked for in the same call; once it
 * has settled the row is read from here without awaiting anything (a pass asks for the same
 * few hundred catalog rows per message it composes, and a promise per id per ask was most of
 * what a scoped lookup cost).
 */
interface RowEntry {
  loading: Promise<unknown>;
  settled: boolean;
  value: unknown;
}

const storage = new AsyncLocalStorage<ReadScope>();

function current(): ReadScope | undefined {
  const scope = storage.getStore();
  return scope?.open === true ? scope : undefined;
}

/** Runs `fn` with a fresh read memo; inside an open scope it shares the outer one. */
export async function withReadScope<T>(fn: () => Promise<T>): Promise<T> {
  if (current()) return fn();
  const scope: ReadScope = { open: true, values: new Map(), rows: new Map() };
  try {
    return await storage.run(scope, fn);
  } finally {
    scope.open = false;
    scope.values.clear();
    scope.rows.clear();
  }
}

/**
 * The answer of `load` for `key`, read once per scope. A failed read is forgotten, so a retry
 * within the same scope reads again. Outside a scope: `load()`.
 */
export function scoped<T>(key: string, load: () => Promise<T>): Promise<T> {
  const scope = current();
  if (!scope) return load();
  const known = scope.values.get(key);
  // A key names one read (its namespace is the caller's), so what it holds is that read's T.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion
  if (known) return known as Promise<T>;
  const loading = load();
  scope.values.set(key, loading);
  loading.catch(() => {
    if (scope.values.get(key) === loading) scope.values.delete(key);
  });
  return loading;
}

/**
 * Reads at once the keys of `keys` this scope does not hold yet, so that the `scoped` reads of
 * them that follow find their answers: a pass reads its whole batch's profiles in a few
 * queries instead of a few per profile. `load` answers every key it is given (a missing answer
 * is a bug: the key's later read fails). Outside a scope it reads nothing: there would be
 * nowhere to keep the answers.
 */
export async function prefetchScoped<T>(
  keys: readonly string[],
  load: (missing: string[]) => Promise<ReadonlyMap<string, T>>,
): Promise<void> {
  const scope = current();
  if (!scope) return;
  const missing = [...new Set(keys)].filter((key) => !scope.values.has(key));
  if (missing.length === 0) return;
  const loading = load(missing);
  for (const key of missing) {
    const value = loading.then((found) => {
      const answer = found.get(key);
      if (answer === undefined) throw new Error(`prefetch: no answer for ${key}`);
      return answer;
    });
    scope.values.set(key, value);
    value.catch(() => {
      if (scope.values.get(key) === value) scope.values.delete(key);
    });
  }
  await loading;
}

/**
 * Rows by id within `namespace` (catalog rows, neighbour lists by product, ...): only the ids
 * this scope has not asked for yet go to `loadMissing`, and an id it did not find is
 * remembered as missing, never asked for again in the scope. The answer holds the ids found,
 * each with the value `loadMissing` gave (a per-id list keeps its order). Concurrent callers
 * asking for the same id share one load; a failed load is forgotten for its ids.
 */
export async function scopedMany<V>(
  namespace: string,
  ids: readonly string[],
  loadMissing: (missing: string[]) => Promise<ReadonlyMap<string, V>>,
): Promise<Map<string, V>> {
  const unique = [...new Set(ids)];
  const scope = current();
  if (!scope) return new Map(await loadMissing(unique));
  let known = scope.rows.get(namespace);
  if (!known) {
    known = new Map();
    scope.rows.set(namespace, known);
  }
  const missing = unique.filter((id) => !known.has(id));
  if (missing.length > 0) {
    const loading = loadMissing(missing);
    const entries = missing.map((id) => {
      const entry: RowEntry = { loading, settled: false, value: undefined };
      known.set(id, entry);
      return [id, entry] as const;
    });
    // Registered before anyone awaits `loading`: by the time an awaiting caller resumes, the
    // rows are in their entries. A failed load is forgotten for its ids.
    loading.then(
      (found) => {
        for (const [id, entry] of entries) {
          entry.value = found.get(id);
          entry.settled = true;
        }
      },
      () => {
        for (const [id, entry] of entries) if (known.get(id) === entry) known.delete(id);
      },
    );
  }
  // Taken now: a load another caller started may fail and be forgotten while this one waits.
  const pending = unique.flatMap((id) => {
    const entry = known.get(id);
    return entry ? [[id, entry] as const] : [];
  });
  for (const loading of new Set(pending.flatMap(([, e]) => (e.settled ? [] : [e.loading]))))
    await loading;
  const out = new Map<string, V>();
  for (const [id, entry] of pending) {
    // A namespace is one caller's rows, so what it holds for an id is that caller's V.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion
    if (entry.value !== undefined) out.set(id, entry.value as V);
  }
  return out;
}
