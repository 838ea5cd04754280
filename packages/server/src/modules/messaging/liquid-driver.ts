/**
 * Runs a liquidjs render generator (`Liquid#_render`) to its value, as liquidjs's own `render`
 * does, but without a promise per step. liquidjs drives every tag, output and filter through
 * nested generators and its `render` awaits each of them, so a message of a few hundred
 * outputs cost thousands of microtask hops - most of what rendering it cost. Here the
 * generators run synchronously and only a value that really is a promise (an async filter
 * such as `recommendations`) is awaited, from where it appears on.
 *
 * The generators see exactly the values, errors and order liquidjs's driver gives them (the
 * render stays in async mode: `sync: false`), so the output is the same; only fewer turns of
 * the event loop pass while it runs.
 */

type Step = 'next' | 'throw';
interface Driven {
  next(value: unknown): IteratorResult<unknown, unknown>;
  throw(error: unknown): IteratorResult<unknown, unknown>;
}

const isFunction = (value: unknown): value is (...args: unknown[]) => unknown =>
  typeof value === 'function';

/** As liquidjs tells a generator from a value. */
function isIterator(value: unknown): value is Driven {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<'next' | 'throw' | 'return', unknown>>;
  return isFunction(candidate.next) && isFunction(candidate.throw) && isFunction(candidate.return);
}

/** As liquidjs tells a promise: anything with a `then` function. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    isFunction((value as { then?: unknown }).then)
  );
}

/** The generator's value: a plain value when nothing it yielded was a promise. */
export function drive(iterator: unknown): unknown {
  if (!isIterator(iterator)) return iterator;
  let value: unknown;
  let step: Step = 'next';
  for (;;) {
    const state = iterator[step](value);
    value = state.value;
    step = 'next';
    try {
      if (isIterator(value)) value = drive(value);
      if (isThenable(value)) return driveAsync(iterator, value, state.done === true);
    } catch (error) {
      step = 'throw';
      value = error;
    }
    // liquidjs returns what the last step left, an error included (its own `toPromise` does).
    if (state.done === true) return value;
  }
}

/** The rest of `iterator` once `pending` (what it last yielded or returned) must be awaited. */
async function driveAsync(
  iterator: Driven,
  pending: PromiseLike<unknown>,
  done: boolean,
): Promise<unknown> {
  let value: unknown;
  let step: Step = 'next';
  try {
    value = await pending;
  } catch (error) {
    step = 'throw';
    value = error;
  }
  while (!done) {
    const state = iterator[step](value);
    done = state.done === true;
    value = state.value;
    step = 'next';
    try {
      if (isIterator(value)) value = drive(value);
      if (isThenable(value)) value = await value;
    } catch (error) {
      step = 'throw';
      value = error;
    }
  }
  return value;
}
