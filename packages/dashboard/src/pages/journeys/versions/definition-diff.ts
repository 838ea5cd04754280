import type { JourneyDefinition } from '@comeback/contracts';

/**
 * A readable structural diff of two journey definitions: the journey's own settings (trigger,
 * entry, goal, sending...) and its steps matched by id, each field named by a dot path
 * (`branches.0.next`). Lists of plain values (weekdays, tags) compare as one value, since
 * "weekdays: 1,2 -> 1,2,3" reads better than three index changes.
 */
export interface FieldChange {
  path: string;
  /** undefined: the field is absent on that side. */
  before: unknown;
  after: unknown;
}

export interface StepDiff {
  id: string;
  kind: 'added' | 'removed' | 'changed';
  type: string;
  /** Set when a step kept its id but changed its type. */
  typeBefore?: string;
  label?: string;
  changes: FieldChange[];
}

export interface DefinitionDiff {
  journey: FieldChange[];
  steps: StepDiff[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isScalar = (value: unknown) => value === null || typeof value !== 'object';

function flatten(value: unknown, path: string, out: Map<string, unknown>): void {
  if (isRecord(value) && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value))
      flatten(inner, path ? `${path}.${key}` : key, out);
  } else if (Array.isArray(value) && value.length > 0 && !value.every(isScalar)) {
    value.forEach((inner, i) => flatten(inner, `${path}.${i}`, out));
  } else if (value !== undefined) {
    out.set(path, value);
  }
}

/** Every field that differs between two values, by path, in the order they appear. */
export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  flatten(before, '', a);
  flatten(after, '', b);
  const paths = [...b.keys(), ...[...a.keys()].filter((p) => !b.has(p))];
  return paths
    .filter((p) => JSON.stringify(a.get(p)) !== JSON.stringify(b.get(p)))
    .map((p) => ({ path: p, before: a.get(p), after: b.get(p) }));
}

export function diffDefinitions(
  before: JourneyDefinition,
  after: JourneyDefinition,
): DefinitionDiff {
  const old = new Map(before.steps.map((s) => [s.id, s]));
  const now = new Set(after.steps.map((s) => s.id));
  const steps: StepDiff[] = [];
  for (const step of after.steps) {
    const prior = old.get(step.id);
    if (!prior) {
      steps.push({ id: step.id, kind: 'added', type: step.type, label: step.label, changes: [] });
      continue;
    }
    const changes = fieldChanges(prior, step).filter((c) => c.path !== 'type');
    if (changes.length === 0 && prior.type === step.type) continue;
    steps.push({
      id: step.id,
      kind: 'changed',
      type: step.type,
      ...(prior.type !== step.type ? { typeBefore: prior.type } : {}),
      label: step.label,
      changes,
    });
  }
  for (const step of before.steps)
    if (!now.has(step.id))
      steps.push({ id: step.id, kind: 'removed', type: step.type, label: step.label, changes: [] });
  // Steps are compared by id above; undefined leaves them out of the journey's own fields.
  const journey = fieldChanges({ ...before, steps: undefined }, { ...after, steps: undefined });
  return { journey, steps };
}

/** A field's value as one line of text; undefined (absent) is left to the caller. */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => valueText(v)).join(', ');
  return JSON.stringify(value);
}
