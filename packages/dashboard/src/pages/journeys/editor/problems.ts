import { journeyDefinitionSchema } from '@comeback/contracts';
import type { ErrorDetail } from '../../../api/client';
import type { Block } from './useStableList';
import { definitionOf, outputsOf, TRIGGER_NODE_ID, type JourneyMeta, type Output } from './model';

/** A fault in the definition: the API's field path, and the block it belongs to (if any). */
export interface Problem {
  field: string;
  message: string;
  nodeId: string | null;
}

/** `steps.3.wait` is the fourth step of the definition as sent; `trigger.*` and `start` the trigger. */
export function nodeIdOfField(field: string, order: readonly string[]): string | null {
  const [head, index] = field.split('.');
  if (head === 'trigger' || head === 'start') return TRIGGER_NODE_ID;
  if (head === 'steps' && index !== undefined && /^\d+$/.test(index))
    return order[Number(index)] ?? null;
  return null;
}

export const problemsOf = (details: ErrorDetail[], order: readonly string[]): Problem[] =>
  details.map((d) => ({ ...d, nodeId: nodeIdOfField(d.field, order) }));

export interface LocalMessages {
  needsTrigger: string;
  required: string;
  connectStart: string;
  connectOutput: (output: Output) => string;
}

/**
 * The checks the API makes that need no database, run in the browser with the same schema:
 * unconnected outputs first (in words a marketer reads), then everything the schema says.
 * Templates and segments that do not exist are the API's to find.
 */
export function localProblems(
  meta: JourneyMeta,
  nodes: readonly Block[],
  messages: LocalMessages,
): Problem[] {
  const { definition, order, trigger } = definitionOf(meta, nodes);
  const problems: Problem[] = [];
  const unconnected = new Set<string>();
  if (!trigger) problems.push({ field: 'trigger', message: messages.needsTrigger, nodeId: null });
  else if (trigger.start === '') {
    unconnected.add('start');
    problems.push({ field: 'start', message: messages.connectStart, nodeId: TRIGGER_NODE_ID });
  }
  const byId = new Map(nodes.map((n) => [n.id, n.data]));
  order.forEach((id, i) => {
    const data = byId.get(id);
    for (const o of data ? outputsOf(data) : []) {
      if (o.to !== '') continue;
      const field = `steps.${i}.${o.handle}`;
      unconnected.add(field);
      problems.push({ field, message: messages.connectOutput(o), nodeId: id });
    }
  });
  if (!definition) return problems;
  const parsed = journeyDefinitionSchema.safeParse(definition);
  if (parsed.success) return problems;
  for (const issue of parsed.error.issues) {
    const field = issue.path.map(String).join('.');
    // One fault per field, and an empty one said as such ("too small: >= 1 characters").
    if (unconnected.has(field) || problems.some((p) => p.field === field)) continue;
    const empty = issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1;
    const message = empty ? messages.required : issue.message;
    problems.push({ field, message, nodeId: nodeIdOfField(field, order) });
  }
  return problems;
}

export function problemsByNode(problems: readonly Problem[]): Map<string, Problem[]> {
  const byNode = new Map<string, Problem[]>();
  for (const p of problems) {
    if (p.nodeId === null) continue;
    byNode.set(p.nodeId, [...(byNode.get(p.nodeId) ?? []), p]);
  }
  return byNode;
}
