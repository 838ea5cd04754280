/**
 * The render driver runs liquidjs's generators without a promise per step and awaits only
 * real promises (async filters). What it renders, and how a failing filter fails, must be what
 * liquidjs's own `render` gives for the same template and scope.
 */
import { Liquid } from 'liquidjs';
import { describe, expect, it } from 'vitest';
import { drive } from '../../src/modules/messaging/liquid-driver.js';

function engine(): Liquid {
  const liquid = new Liquid({ strictFilters: true });
  liquid.registerFilter('later', (v: unknown) => Promise.resolve(`<${String(v)}>`));
  liquid.registerFilter('picks', (n: unknown) =>
    Promise.resolve(Array.from({ length: Number(n) }, (_, i) => ({ title: `p${i}` }))),
  );
  liquid.registerFilter('broken', () => Promise.reject(new Error('no database')));
  liquid.registerFilter('throws', () => {
    throw new Error('bad input');
  });
  return liquid;
}

/** As TemplateEngine calls it: a synchronous throw (a failing sync filter) becomes a rejection. */
const ours = async (liquid: Liquid, source: string, scope: object): Promise<unknown> =>
  drive(liquid._render(liquid.parse(source), scope, { sync: false }));

describe('liquid driver', () => {
  const cases = [
    'Hi {{ name | upcase }}{% for i in (1..3) %}[{{ i }}]{% endfor %}',
    '{{ name | later }} and {{ "x" | later | later }}',
    '{% assign ps = 3 | picks %}{% for p in ps %}{{ p.title }}{% if forloop.last %}.{% endif %}{% endfor %}',
    '{% capture c %}{{ name | later }}{% endcapture %}{{ c | size }}{% if c contains "D" %}yes{% endif %}',
    '{% for p in items %}{{ p | later }}{% else %}none{% endfor %}',
  ];

  it('renders what liquidjs renders, async filters included', async () => {
    const liquid = engine();
    const scope = { name: 'Dana', items: ['a', 'b'] };
    for (const source of cases) {
      const expected: unknown = await liquid.parseAndRender(source, scope);
      expect(await ours(liquid, source, scope), source).toBe(expected);
    }
    expect(await ours(liquid, '{{ name | later }}!', scope)).toBe('<Dana>!');
  });

  it('gives back a plain value, not a promise, when nothing was async', () => {
    const liquid = engine();
    const out = drive(liquid._render(liquid.parse('a{{ 1 | plus: 2 }}'), {}, { sync: false }));
    expect(out).toBe('a3');
  });

  it('fails as liquidjs fails when a filter throws or its promise rejects', async () => {
    const liquid = engine();
    for (const source of ['x{{ 1 | throws }}', 'x{{ 1 | later }}{{ 1 | broken }}']) {
      const theirs = await liquid.parseAndRender(source, {}).then(
        () => null,
        (error: unknown) => String(error),
      );
      const mine = await ours(liquid, source, {}).then(
        () => null,
        (error: unknown) => String(error),
      );
      expect(theirs, source).not.toBeNull();
      expect(mine, source).toBe(theirs);
    }
  });
});
