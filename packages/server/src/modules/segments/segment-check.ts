import type {
  CustomField,
  ErrorDetail,
  FieldOperator,
  SegmentCondition,
  SegmentScalar,
} from '@comeback/contracts';
import { z } from 'zod';
import { fail, ok, type Result } from '../../platform/errors.js';
import { operatorsFor, resolveField } from './field-registry.js';
import type { FieldSpec, SegmentReferences } from './segment-model.js';
import { spanDays } from './segment-time.js';
import { entryWindowOf } from './segment-dependencies.js';

/**
 * What the schema cannot check because it needs the workspace: each field exists and its
 * operator and operands fit its type, and each referenced segment exists, is itself valid and
 * leads back to no segment on the way (the definition being saved included). Every fault is
 * reported, each at its JSON path in the request body.
 */

/** At most this many segments are loaded to follow references. */
export const MAX_REFERENCED_SEGMENTS = 50;
/** An anniversary window spans at most a year of days. */
export const MAX_ANNIVERSARY_DAYS = 366;

export interface CheckDeps {
  customFields: ReadonlyMap<string, CustomField>;
  loadCondition(segmentId: string): Promise<SegmentCondition | null>;
  /** The id of the segment being updated: referring to it is a cycle. */
  selfId?: string;
  /** The JSON path of the condition in the request body. */
  basePath?: string;
}

export async function checkSegmentCondition(
  condition: SegmentCondition,
  deps: CheckDeps,
): Promise<Result<SegmentReferences>> {
  const own = checkTree(condition, deps.basePath ?? 'condition', deps.customFields);
  const details = [...own.details];
  const graph = await loadReferences(
    own.references.map((r) => r.id),
    deps,
  );
  const problems = new Map<string, string | null>();
  for (const ref of own.references) {
    const problem = problemOf(ref.id, graph, problems, [], deps.selfId);
    if (problem) details.push({ field: ref.path, message: problem });
  }
  const first = details[0];
  if (first) {
    const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
    return fail('validation_failed', `${first.field}: ${first.message}${more}`, details);
  }
  const references = new Map<string, SegmentCondition>();
  for (const [id, node] of graph) if (node) references.set(id, node.condition);
  return ok(references);
}

interface Loaded {
  condition: SegmentCondition;
  references: string[];
  faults: ErrorDetail[];
}
/** id -> its definition, null when it does not exist; ids past the load limit are absent. */
type Graph = Map<string, Loaded | null>;

async function loadReferences(roots: string[], deps: CheckDeps): Promise<Graph> {
  const graph: Graph = new Map();
  const queue = [...roots];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (graph.has(id) || id === deps.selfId) continue;
    if (graph.size >= MAX_REFERENCED_SEGMENTS) break;
    const condition = await deps.loadCondition(id);
    if (!condition) {
      graph.set(id, null);
      continue;
    }
    const tree = checkTree(condition, 'condition', deps.customFields);
    const references = tree.references.map((r) => r.id);
    graph.set(id, { condition, references, faults: tree.details });
    queue.push(...references);
  }
  return graph;
}

/**
 * The first thing wrong with referring to `id` from the segments on `path` (outermost first,
 * after the one being saved), or null. Depth-first; a result is remembered once a segment is
 * fully explored, so shared references are walked once.
 */
function problemOf(
  id: string,
  graph: Graph,
  problems: Map<string, string | null>,
  path: string[],
  selfId: string | undefined,
): string | null {
  if (id === selfId) {
    return `refers back to the segment itself: ${[id, ...path, id].join(' -> ')}`;
  }
  if (path.includes(id)) {
    return `refers to a cycle of segments: ${[...path.slice(path.indexOf(id)), id].join(' -> ')}`;
  }
  const known = problems.get(id);
  if (known !== undefined) return known;
  const node = graph.get(id);
  const via = path.length > 0 ? ` (via ${path.join(' -> ')})` : '';
  let problem: string | null = null;
  if (node === undefined) {
    problem = `refers to more than ${MAX_REFERENCED_SEGMENTS} segments, directly or through others`;
  } else if (node === null) {
    problem = `no segment ${id}${via}`;
  } else if (node.faults[0]) {
    problem = `segment ${id} is not valid${via}: ${node.faults[0].field}: ${node.faults[0].message}`;
  } else {
    for (const next of node.references) {
      problem = problemOf(next, graph, problems, [...path, id], selfId);
      if (problem) break;
    }
  }
  // A cycle found below runs through `id` or a segment it reaches, whatever the path: it is
  // a problem of `id` too (selfId is the same throughout one check).
  problems.set(id, problem);
  return problem;
}

interface TreeCheck {
  details: ErrorDetail[];
  references: { id: string; path: string }[];
}

function checkTree(
  root: SegmentCondition,
  basePath: string,
  customFields: ReadonlyMap<string, CustomField>,
): TreeCheck {
  const out: TreeCheck = { details: [], references: [] };
  const fault = (field: string, message: string) => out.details.push({ field, message });
  const visit = (c: SegmentCondition, path: string): void => {
    switch (c.type) {
      case 'and':
      case 'or':
        c.conditions.forEach((child, i) => visit(child, `${path}.conditions.${i}`));
        return;
      case 'not':
        visit(c.condition, `${path}.condition`);
        return;
      case 'segment':
        out.references.push({ id: c.segment, path: `${path}.segment` });
        return;
      case 'event':
        (c.where ?? []).forEach((filter, i) =>
          checkOperands(filter, ANY_TRAIT, `${path}.where.${i}`, fault),
        );
        entryWindow(c, path);
        return;
      case 'field': {
        const spec = resolveField(customFields, c.field);
        if (!spec) {
          fault(`${path}.field`, `unknown field ${c.field}`);
          return;
        }
        if (!operatorsFor(spec.type).includes(c.operator)) {
          fault(
            `${path}.operator`,
            `${c.operator} does not apply to ${c.field} (of type ${spec.type}): use ${operatorsFor(spec.type).join(', ')}`,
          );
          return;
        }
        checkOperands(c, spec, path, fault);
        if (c.zone !== undefined && spec.type !== 'date') {
          fault(
            `${path}.zone`,
            `a zone applies to date fields, not ${c.field} (of type ${spec.type})`,
          );
        }
        return;
      }
      case 'purchased':
      case 'category_views':
      case 'viewed_out_of_stock':
        entryWindow(c, path);
        return;
      case 'consent':
        return;
    }
  };
  // "Since entering S" reads S's stored entries: S must exist, and it is a reference for cycles.
  const entryWindow = (c: SegmentCondition, path: string) => {
    const segment = entryWindowOf(c);
    if (segment !== undefined) out.references.push({ id: segment, path: `${path}.window.segment` });
  };
  visit(root, basePath);
  return out;
}

const ANY_TRAIT: FieldSpec = { path: 'event property', type: 'any', description: '' };

const isoInstant = z.iso.datetime({ offset: true }).or(z.iso.date());
const isIsoInstant = (v: SegmentScalar) =>
  typeof v === 'string' && isoInstant.safeParse(v).success && !Number.isNaN(Date.parse(v));

type Expectation = { test: (v: SegmentScalar) => boolean; what: string };
const A_NUMBER: Expectation = { test: (v) => typeof v === 'number', what: 'a number' };
const A_STRING: Expectation = { test: (v) => typeof v === 'string', what: 'a string' };
const A_BOOLEAN: Expectation = { test: (v) => typeof v === 'boolean', what: 'true or false' };
const AN_INSTANT: Expectation = {
  test: isIsoInstant,
  what: 'an ISO-8601 date or date-time with offset',
};
const ANY_SCALAR: Expectation = { test: () => true, what: 'a value' };

/** What each operand of `operator` must be for a field of `spec`'s type. */
function expectation(spec: FieldSpec, operator: FieldOperator): Expectation {
  switch (spec.type) {
    case 'number':
      return A_NUMBER;
    case 'boolean':
      return A_BOOLEAN;
    case 'date':
      return AN_INSTANT;
    case 'string':
    case 'list':
      return A_STRING;
    case 'enum': {
      const values = spec.values;
      return values
        ? {
            test: (v) => typeof v === 'string' && values.includes(v),
            what: `one of ${values.join(', ')}`,
          }
        : A_STRING;
    }
    case 'any':
      if (['contains', 'not_contains', 'starts_with'].includes(operator)) return A_STRING;
      if (['gt', 'gte', 'lt', 'lte', 'between'].includes(operator)) return A_NUMBER;
      return ANY_SCALAR;
  }
}

interface Operands {
  operator: FieldOperator;
  value?: SegmentScalar | undefined;
  values?: SegmentScalar[] | undefined;
  amount?: number | undefined;
  unit?: string | undefined;
}

function checkOperands(
  c: Operands,
  spec: FieldSpec,
  path: string,
  fault: (field: string, message: string) => void,
): void {
  const expected = expectation(spec, c.operator);
  if (c.value !== undefined && !expected.test(c.value)) {
    fault(`${path}.value`, `expected ${expected.what} for ${spec.path}`);
  }
  (c.values ?? []).forEach((v, i) => {
    if (!expected.test(v))
      fault(`${path}.values.${i}`, `expected ${expected.what} for ${spec.path}`);
  });
  if (c.operator === 'anniversary_within' && c.amount !== undefined && c.unit !== undefined) {
    const days = c.unit === 'days' || c.unit === 'weeks' ? spanDays(c.amount, c.unit) : null;
    if (days === null) {
      fault(`${path}.unit`, 'anniversary_within counts days or weeks');
    } else if (days > MAX_ANNIVERSARY_DAYS) {
      fault(`${path}.amount`, `anniversary_within spans at most ${MAX_ANNIVERSARY_DAYS} days`);
    }
  }
}
