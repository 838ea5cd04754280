import {
  edgesOf,
  type ChannelKind,
  type JourneyDefinition,
  type JourneyStep,
  type JourneyTrigger,
} from '@comeback/contracts';
import type { Node, XYPosition } from '@xyflow/react';

/**
 * The editor's model is the canvas itself: one React Flow node per block, the trigger's node
 * holding `start` and each step's node holding the step with its outgoing edges (`next`, a
 * split's branches...). Edges are derived from the steps, so what is drawn is exactly what
 * will be saved. An output not yet connected holds '' until the marketer drags it somewhere.
 */

/** Step ids start with a letter, so the trigger's node can never collide with a step. */
export const TRIGGER_NODE_ID = '_trigger';
export const NODE_TYPE = 'journey';

export type TriggerNodeData = { kind: 'trigger'; trigger: JourneyTrigger; start: string };
/** `channel`: the palette's choice for a new send step, until a template says it. */
export type StepNodeData = { kind: 'step'; step: JourneyStep; channel?: ChannelKind };
export type JourneyNodeData = TriggerNodeData | StepNodeData;
export type JourneyNode = Node<JourneyNodeData, typeof NODE_TYPE>;

/** Everything of a definition that is not on the canvas. */
export type JourneyMeta = Omit<JourneyDefinition, 'trigger' | 'start' | 'steps'>;

export type TriggerType = JourneyTrigger['type'];
export const triggerTypes: readonly TriggerType[] = [
  'event',
  'segment_entered',
  'segment_exited',
  'date_field',
  'product',
  'schedule',
];
export const messageChannels = ['email', 'sms', 'whatsapp', 'push', 'inbox'] as const;
export type MessageChannel = (typeof messageChannels)[number];

/** What the palette offers: `trigger_<type>`, `send_<channel>`, or a step type. */
export type StepPaletteKind = `send_${MessageChannel}` | Exclude<JourneyStep['type'], 'send'>;
export type PaletteKind = `trigger_${TriggerType}` | StepPaletteKind;
export const stepPaletteKinds: readonly StepPaletteKind[] = [
  ...messageChannels.map((c) => `send_${c}` as const),
  'webhook',
  'wait',
  'wait_until',
  'wait_for_event',
  'split',
  'split_action',
  'random_split',
  'update_profile',
  'exit',
];
export const triggerPaletteKinds = triggerTypes.map((t) => `trigger_${t}` as const);
const paletteKinds: ReadonlySet<string> = new Set<string>([
  ...triggerPaletteKinds,
  ...stepPaletteKinds,
]);
export const isPaletteKind = (value: string): value is PaletteKind => paletteKinds.has(value);

export function blockOf(kind: PaletteKind): { trigger: TriggerType } | { step: StepPaletteKind } {
  const trigger = triggerTypes.find((t) => kind === `trigger_${t}`);
  return trigger ? { trigger } : { step: stepPaletteKinds.find((k) => k === kind) ?? 'exit' };
}

export function newTrigger(type: TriggerType): JourneyTrigger {
  switch (type) {
    case 'event':
      return { type, event: '' };
    case 'segment_entered':
    case 'segment_exited':
      return { type, segment: '' };
    case 'date_field':
      return { type, field: '', offsetDays: 0, yearly: false, at: '10:00' };
    case 'product':
      return { type, event: 'back_in_stock', audience: ['viewed'] };
    case 'schedule':
      return { type, cron: '0 10 * * 1', segment: '' };
  }
}

const day = { amount: 1, unit: 'days' } as const;

export function newStep(kind: StepPaletteKind, id: string): StepNodeData {
  const channel = kind.startsWith('send_')
    ? messageChannels.find((c) => kind === `send_${c}`)
    : undefined;
  if (channel) return { kind: 'step', step: { id, type: 'send', template: '', next: '' }, channel };
  const step = ((): JourneyStep => {
    switch (kind) {
      case 'wait':
        return { id, type: kind, duration: { ...day }, next: '' };
      case 'wait_until':
        return { id, type: kind, at: '10:00', next: '' };
      case 'wait_for_event':
        return { id, type: kind, event: '', timeout: { ...day }, next: '', timeoutNext: '' };
      case 'split':
        return { id, type: kind, branches: [{ next: '' }], otherwise: '' };
      case 'split_action':
        return { id, type: kind, event: '', yes: '', no: '' };
      case 'random_split':
        return {
          id,
          type: kind,
          arms: [
            { label: 'A', percent: 50, holdout: false, next: '' },
            { label: 'B', percent: 50, holdout: false, next: '' },
          ],
        };
      case 'update_profile':
        return { id, type: kind, addTags: [], next: '' };
      case 'webhook':
        return { id, type: kind, template: '', next: '' };
      default:
        return { id, type: 'exit' };
    }
  })();
  return { kind: 'step', step };
}

/** A readable, unused step id for a new block: `email_1`, `wait_2`... */
export function newStepId(kind: StepPaletteKind, taken: ReadonlySet<string>): string {
  const base = kind.startsWith('send_') ? kind.slice('send_'.length) : kind;
  for (let n = 1; ; n++) {
    const id = `${base}_${n}`;
    if (!taken.has(id)) return id;
  }
}

/** One way out of a block: its handle id is the field's path (`branches.0.next`). */
export interface Output {
  handle: string;
  to: string;
  role: 'next' | 'event' | 'timeout' | 'branch' | 'otherwise' | 'yes' | 'no' | 'arm';
  index: number;
  label: string | undefined;
}

export function outputsOf(data: JourneyNodeData): Output[] {
  if (data.kind === 'trigger')
    return [{ handle: 'start', to: data.start, role: 'next', index: 0, label: undefined }];
  const step = data.step;
  return edgesOf(step).map((e) => {
    const handle = e.field.join('.');
    const index = typeof e.field[1] === 'number' ? e.field[1] : 0;
    const base = { handle, to: e.to, index, label: undefined };
    if (step.type === 'split')
      return handle === 'otherwise'
        ? { ...base, role: 'otherwise' }
        : { ...base, role: 'branch', label: step.branches[index]?.label };
    if (step.type === 'random_split')
      return { ...base, role: 'arm', label: step.arms[index]?.label };
    if (step.type === 'split_action') return { ...base, role: handle === 'yes' ? 'yes' : 'no' };
    if (step.type === 'wait_for_event')
      return { ...base, role: handle === 'next' ? 'event' : 'timeout' };
    return { ...base, role: 'next' };
  });
}

const indexIn = (handle: string, prefix: string) =>
  handle.startsWith(`${prefix}.`) ? Number(handle.split('.')[1]) : -1;

/** The node with one output pointed at `to` ('' disconnects it). */
export function withOutput(data: JourneyNodeData, handle: string, to: string): JourneyNodeData {
  if (data.kind === 'trigger') return { ...data, start: to };
  const s = data.step;
  const step = ((): JourneyStep => {
    switch (s.type) {
      case 'exit':
        return s;
      case 'split': {
        if (handle === 'otherwise') return { ...s, otherwise: to };
        const i = indexIn(handle, 'branches');
        return { ...s, branches: s.branches.map((b, j) => (j === i ? { ...b, next: to } : b)) };
      }
      case 'random_split': {
        const i = indexIn(handle, 'arms');
        return { ...s, arms: s.arms.map((a, j) => (j === i ? { ...a, next: to } : a)) };
      }
      case 'split_action':
        return handle === 'yes' ? { ...s, yes: to } : { ...s, no: to };
      case 'wait_for_event':
        return handle === 'timeoutNext' ? { ...s, timeoutNext: to } : { ...s, next: to };
      default:
        return { ...s, next: to };
    }
  })();
  return { ...data, step };
}

/** Every output that led to `removed` is disconnected; untouched nodes keep their identity. */
export function withoutReferences(nodes: JourneyNode[], removed: ReadonlySet<string>) {
  return nodes.map((n) => {
    let data = n.data;
    for (const o of outputsOf(data)) if (removed.has(o.to)) data = withOutput(data, o.handle, '');
    return data === n.data ? n : { ...n, data };
  });
}

/** Would an edge source -> target close a loop (target already leads to source)? */
export function wouldLoop(nodes: JourneyNode[], source: string, target: string): boolean {
  const byId = new Map(nodes.map((n) => [n.id, n.data]));
  const seen = new Set<string>();
  const stack = [target];
  while (stack.length > 0) {
    const id = stack.pop() ?? '';
    if (id === source) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    const data = byId.get(id);
    if (data) for (const o of outputsOf(data)) if (o.to !== '') stack.push(o.to);
  }
  return false;
}

export const defaultMeta = (): JourneyMeta => ({
  name: '',
  entry: { rule: 'once', whileInside: false },
  sending: {
    priority: 50,
    overBudget: 'delay',
    maxDelay: { amount: 2, unit: 'days' },
    quietHours: true,
    budgetExempt: false,
  },
});

export function nodesOf(definition: JourneyDefinition, positions: Map<string, XYPosition>) {
  const at = (id: string) => positions.get(id) ?? { x: 0, y: 0 };
  const trigger: JourneyNode = {
    id: TRIGGER_NODE_ID,
    type: NODE_TYPE,
    position: at(TRIGGER_NODE_ID),
    data: { kind: 'trigger', trigger: definition.trigger, start: definition.start },
  };
  const steps = definition.steps.map((step): JourneyNode => ({
    id: step.id,
    type: NODE_TYPE,
    position: at(step.id),
    data: { kind: 'step', step },
  }));
  return [trigger, ...steps];
}

export function metaOf(d: JourneyDefinition): JourneyMeta {
  return {
    name: d.name,
    description: d.description,
    entry: d.entry,
    goal: d.goal,
    sending: d.sending,
  };
}

/** The definition to save, and the step order its error paths (`steps.3`) refer to. */
export function definitionOf(
  meta: JourneyMeta,
  nodes: readonly { id: string; data: JourneyNodeData }[],
) {
  let trigger: TriggerNodeData | null = null;
  const steps: JourneyStep[] = [];
  for (const n of nodes) {
    if (n.data.kind === 'trigger') trigger = n.data;
    else steps.push(n.data.step);
  }
  return {
    trigger,
    order: steps.map((s) => s.id),
    definition: trigger ? { ...meta, trigger: trigger.trigger, start: trigger.start, steps } : null,
  };
}
