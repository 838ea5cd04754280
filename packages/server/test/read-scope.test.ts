/**
 * The pass-scoped read memo (platform/read-scope.ts): inside a scope a key is read once and an
 * id-list lookup reads only ids it has not seen (misses included); outside a scope, and after
 * the scope's function has settled, everything is read afresh; a failed read is not kept.
 */
import { describe, expect, it } from 'vitest';
import { prefetchScoped, scoped, scopedMany, withReadScope } from '../src/platform/read-scope.js';

/** A load that counts its calls and answers the call's number. */
function counter() {
  let calls = 0;
  return {
    load: () => Promise.resolve(++calls),
    get calls() {
      return calls;
    },
  };
}

/** Rows of a fake table: `id -> value`; records the ids each load asked for. */
function table(rows: Record<string, string[]>) {
  const asked: string[][] = [];
  return {
    asked,
    load: (ids: string[]) => {
      asked.push([...ids]);
      return Promise.resolve(
        new Map(ids.flatMap((id) => (rows[id] ? [[id, rows[id]] as const] : []))),
      );
    },
  };
}

describe('scoped', () => {
  it('reads a key once inside a scope, and separately per key', async () => {
    const c = counter();
    const answers = await withReadScope(async () => [
      await scoped('a', c.load),
      await scoped('a', c.load),
      await scoped('b', c.load),
      await scoped('a', c.load),
    ]);
    expect(answers).toEqual([1, 1, 2, 1]);
    expect(c.calls).toBe(2);
  });

  it('shares one read between concurrent callers', async () => {
    const c = counter();
    const answers = await withReadScope(() =>
      Promise.all([scoped('a', c.load), scoped('a', c.load), scoped('a', c.load)]),
    );
    expect(answers).toEqual([1, 1, 1]);
    expect(c.calls).toBe(1);
  });

  it('reads every time outside a scope', async () => {
    const c = counter();
    expect([await scoped('a', c.load), await scoped('a', c.load)]).toEqual([1, 2]);
  });

  it('does not carry a memo from one scope to the next', async () => {
    const c = counter();
    expect(await withReadScope(() => scoped('a', c.load))).toBe(1);
    expect(await withReadScope(() => scoped('a', c.load))).toBe(2);
    expect(c.calls).toBe(2);
  });

  it('shares the outer scope with a nested one', async () => {
    const c = counter();
    const answers = await withReadScope(async () => {
      const outer = await scoped('a', c.load);
      const inner = await withReadScope(() => scoped('a', c.load));
      const after = await scoped('a', c.load);
      return [outer, inner, after];
    });
    expect(answers).toEqual([1, 1, 1]);
    expect(c.calls).toBe(1);
  });

  it('reads afresh in work the scope left running after it ended', async () => {
    const c = counter();
    let later: (() => Promise<number>) | undefined;
    await withReadScope(async () => {
      await scoped('a', c.load);
      later = () => scoped('a', c.load);
    });
    expect(await later?.()).toBe(2);
  });

  it('forgets a failed read, so a retry in the same scope reads again', async () => {
    let calls = 0;
    const flaky = () => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('connection lost')) : Promise.resolve('row');
    };
    const answers = await withReadScope(async () => {
      await expect(scoped('a', flaky)).rejects.toThrow('connection lost');
      return [await scoped('a', flaky), await scoped('a', flaky)];
    });
    expect(answers).toEqual(['row', 'row']);
    expect(calls).toBe(2);
  });
});

describe('scopedMany', () => {
  const rows = { p1: ['n1', 'n2'], p2: ['n3'], p3: ['n5', 'n4'] };

  it('loads only ids not yet known, and remembers ids without a row', async () => {
    const t = table(rows);
    const [first, second, third] = await withReadScope(async () => [
      await scopedMany('neighbours', ['p1', 'gone'], t.load),
      await scopedMany('neighbours', ['p1', 'p2', 'gone'], t.load),
      await scopedMany('neighbours', ['gone', 'p2', 'p1'], t.load),
    ]);
    expect(t.asked).toEqual([['p1', 'gone'], ['p2']]);
    expect([...(first ?? [])]).toEqual([['p1', ['n1', 'n2']]]);
    expect([...(second ?? [])]).toEqual([
      ['p1', ['n1', 'n2']],
      ['p2', ['n3']],
    ]);
    // The answer follows the order asked for; each id's list keeps its own order.
    expect([...(third ?? [])]).toEqual([
      ['p2', ['n3']],
      ['p1', ['n1', 'n2']],
    ]);
  });

  it('keeps namespaces apart and asks each id once even when repeated', async () => {
    const t = table(rows);
    await withReadScope(async () => {
      await scopedMany('neighbours', ['p3', 'p3'], t.load);
      await scopedMany('popular', ['p3'], t.load);
    });
    expect(t.asked).toEqual([['p3'], ['p3']]);
  });

  it('shares a load under way with a concurrent caller', async () => {
    const t = table(rows);
    const [a, b] = await withReadScope(() =>
      Promise.all([
        scopedMany('neighbours', ['p1', 'p2'], t.load),
        scopedMany('neighbours', ['p2', 'p3'], t.load),
      ]),
    );
    expect(t.asked).toEqual([['p1', 'p2'], ['p3']]);
    expect(a?.get('p2')).toEqual(['n3']);
    expect(b?.get('p3')).toEqual(['n5', 'n4']);
  });

  it('reads every id every time outside a scope', async () => {
    const t = table(rows);
    await scopedMany('neighbours', ['p1', 'gone'], t.load);
    const again = await scopedMany('neighbours', ['p1', 'gone'], t.load);
    expect(t.asked).toEqual([
      ['p1', 'gone'],
      ['p1', 'gone'],
    ]);
    expect([...again]).toEqual([['p1', ['n1', 'n2']]]);
  });

  it('forgets the ids of a failed load', async () => {
    const t = table(rows);
    let fail = true;
    const load = (ids: string[]) => {
      if (fail) {
        fail = false;
        return Promise.reject(new Error('timeout'));
      }
      return t.load(ids);
    };
    const found = await withReadScope(async () => {
      await expect(scopedMany('neighbours', ['p1', 'p2'], load)).rejects.toThrow('timeout');
      return scopedMany('neighbours', ['p1', 'p2'], load);
    });
    expect(t.asked).toEqual([['p1', 'p2']]);
    expect(found.get('p1')).toEqual(['n1', 'n2']);
  });
});

describe('prefetchScoped', () => {
  /** A batch load of `key -> key + '!'`, recording the keys each call asked for. */
  function batch() {
    const asked: string[][] = [];
    return {
      asked,
      load: (keys: string[]) => {
        asked.push([...keys]);
        return Promise.resolve(new Map(keys.map((k) => [k, `${k}!`])));
      },
    };
  }

  it('reads the keys the scope lacks in one call, and the scoped reads after it find them', async () => {
    const b = batch();
    const c = counter();
    const answers = await withReadScope(async () => {
      await scoped('a', () => Promise.resolve('a (read alone)'));
      await prefetchScoped(['a', 'b', 'c', 'b'], b.load);
      await prefetchScoped(['c', 'd'], b.load);
      return [await scoped('a', c.load), await scoped('b', c.load), await scoped('d', c.load)];
    });
    expect(b.asked).toEqual([['b', 'c'], ['d']]);
    expect(answers).toEqual(['a (read alone)', 'b!', 'd!']);
    expect(c.calls).toBe(0);
  });

  it('reads nothing outside a scope', async () => {
    const b = batch();
    await prefetchScoped(['a'], b.load);
    expect(b.asked).toEqual([]);
  });

  it('forgets the keys of a failed batch, and a key the batch did not answer', async () => {
    const c = counter();
    const answers = await withReadScope(async () => {
      await expect(
        prefetchScoped(['a', 'b'], () => Promise.reject(new Error('timeout'))),
      ).rejects.toThrow('timeout');
      await prefetchScoped(['x'], () => Promise.resolve(new Map<string, string>()));
      return [await scoped('a', c.load), await scoped('x', c.load), await scoped('a', c.load)];
    });
    // Each is read alone afterwards (and then kept).
    expect(answers).toEqual([1, 2, 1]);
  });
});
