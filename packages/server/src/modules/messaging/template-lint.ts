import type { TemplateWarning } from '@comeback/contracts';
import { Output, TypeGuards, toValueSync } from 'liquidjs';
import type { ParsedTemplate } from './template-engine.js';

/** Names every render has, so showing them needs no fallback. */
const alwaysPresent = new Set(['store.name', 'store.currency', 'profile.id', 'now']);
const alwaysPresentRoots = new Set(['links']);

/**
 * Every `{{ x.y }}` of a name that may be missing and has no `default` filter: the message
 * would show an empty gap ("Hi ,"). Names a loop, assign or capture defines are not warned.
 */
export function lintTemplate(template: ParsedTemplate, field: string): TemplateWarning[] {
  const warnings: TemplateWarning[] = [];
  const assigned = new Set<string>();
  const visit = (nodes: ParsedTemplate, blocks: ReadonlySet<string>): void => {
    for (const node of nodes) {
      if (node instanceof Output) {
        const path = variablePath(node);
        if (!path || node.value.filters.some((f) => f.name === 'default')) continue;
        const root = path.segments[0] ?? '';
        if (blocks.has(root) || assigned.has(root) || isAlwaysPresent(path.segments)) continue;
        warnings.push({
          field,
          line: path.line,
          column: path.column,
          message: `${path.text} has no fallback: add | default: ...`,
        });
        continue;
      }
      const tag = node as Partial<ScopedTag>;
      for (const id of tag.localScope?.() ?? []) assigned.add(id.content);
      if (!tag.children) continue;
      const inner = new Set([...blocks, ...(tag.blockScope?.() ?? [])]);
      visit(toValueSync(tag.children(false, true)) as ParsedTemplate, inner);
    }
  };
  visit(template, new Set());
  return warnings;
}

/** The parts of a liquidjs tag the static walk uses (its own analysis relies on the same). */
interface ScopedTag {
  localScope(): Iterable<{ content: string }>;
  blockScope(): Iterable<string>;
  children(partials: boolean, sync: boolean): Generator<unknown, ParsedTemplate, unknown>;
}

function isAlwaysPresent(segments: readonly string[]): boolean {
  return alwaysPresentRoots.has(segments[0] ?? '') || alwaysPresent.has(segments.join('.'));
}

interface VariablePath {
  segments: string[];
  text: string;
  line: number;
  column: number;
}

/** The variable an output shows, when it is a plain variable (not a literal or a range). */
function variablePath(output: Output): VariablePath | null {
  const postfix = [...output.value.initial.postfix];
  const first = postfix[0];
  if (postfix.length !== 1 || !first || !TypeGuards.isPropertyAccessToken(first)) return null;
  const segments: string[] = [];
  let text = '';
  for (const prop of first.props) {
    if (TypeGuards.isWordToken(prop) || TypeGuards.isQuotedToken(prop)) {
      const name = prop.content;
      segments.push(name);
      text += text === '' ? name : /^[A-Za-z_][\w-]*$/.test(name) ? `.${name}` : `["${name}"]`;
    } else {
      const index = prop.getText();
      segments.push(index);
      text += `[${index}]`;
    }
  }
  if (segments.length === 0) return null;
  const [line = 1, column = 0] = first.getPosition();
  return { segments, text, line, column };
}
