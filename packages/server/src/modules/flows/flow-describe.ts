import {
  journeyDefinitionSchema,
  segmentDefinitionSchema,
  templateInputSchema,
  type FlowDetail,
  type FlowSummary,
  type JourneyDefinition,
  type JourneyTrigger,
  type SegmentDefinition,
  type TemplateDefinition,
} from '@comeback/contracts';
import { defaultParams } from './flow-params.js';
import type { FlowDefinition, FlowParams } from './flow-types.js';

/** A flow built and checked: what enabling saves. */
export interface BuiltFlow {
  flow: FlowDefinition;
  params: FlowParams;
  journey: JourneyDefinition;
  templates: TemplateDefinition[];
  segments: SegmentDefinition[];
  dateFields: string[];
}

/**
 * Builds a flow with checked parameters and parses what it gives with the API's own schemas,
 * so the library can never save what a client could not. A failure is a bug in the library
 * (the flow-library test builds every flow), so it throws.
 */
export function buildFlow(flow: FlowDefinition, params: FlowParams): BuiltFlow {
  const built = flow.build(params);
  const parse = <T>(what: string, result: { success: boolean; data?: T; error?: unknown }): T => {
    if (!result.success || result.data === undefined)
      throw new Error(`flow ${flow.id}: ${what} does not validate: ${String(result.error)}`);
    return result.data;
  };
  return {
    flow,
    params,
    journey: parse('the journey', journeyDefinitionSchema.safeParse(built.journey)),
    templates: built.templates.map((t) =>
      parse(`template ${t.name}`, templateInputSchema.safeParse(t)),
    ),
    segments: (built.segments ?? []).map((s) =>
      parse(`segment ${s.name}`, segmentDefinitionSchema.safeParse(s)),
    ),
    dateFields: built.dateFields ?? [],
  };
}

function triggerInWords(t: JourneyTrigger): string {
  switch (t.type) {
    case 'event':
      return `event ${t.event}`;
    case 'segment_entered':
      return `enters segment ${t.segment}`;
    case 'segment_exited':
      return `leaves segment ${t.segment}`;
    case 'date_field': {
      const when =
        t.offsetDays === 0
          ? 'on'
          : t.offsetDays < 0
            ? `${-t.offsetDays} days before`
            : `${t.offsetDays} days after`;
      return `${when} ${t.field}${t.yearly ? ' (every year)' : ''} at ${t.at} local time`;
    }
    case 'product':
      return `${t.event.replace('_', ' ')} of a product they ${t.audience.join(', ')}`;
    case 'schedule':
      return `schedule "${t.cron}" for segment ${t.segment}`;
  }
}

export function summaryOf(b: BuiltFlow): FlowSummary {
  const sends = b.journey.steps.filter((s) => s.type === 'send');
  return {
    id: b.flow.id,
    name: b.flow.name,
    category: b.flow.category,
    summary: b.flow.summary,
    reason: b.flow.reason,
    trigger: triggerInWords(b.journey.trigger),
    channels: [...new Set(b.templates.map((t) => t.channel))],
    messages: sends.length,
    priority: b.journey.sending.priority,
    params: b.flow.params.map((p) => ({ ...p })),
  };
}

export function detailOf(b: BuiltFlow): FlowDetail {
  return {
    ...summaryOf(b),
    values: { ...b.params },
    journey: b.journey,
    templates: b.templates,
    segments: b.segments,
  };
}

export const builtWithDefaults = (flow: FlowDefinition): BuiltFlow =>
  buildFlow(flow, defaultParams(flow));
