import type { JourneyDefinitionInput, SegmentCondition, TemplateInput } from '@comeback/contracts';

/**
 * A flow of the library: a journey definition and the templates it sends, built from
 * parameters (waits, thresholds, an offer, categories) whose defaults come from the seeds.
 * Building is pure: the same parameters always give the same definition, so enabling twice
 * changes nothing and enabling after an edit saves a new version (ADR 0022).
 */

/** How a parameter is read from `--param k=v` or the API and shown to a marketer. */
export type FlowParamType = 'days' | 'hours' | 'number' | 'text' | 'code' | 'category';

export interface FlowParamSpec {
  key: string;
  type: FlowParamType;
  default: string | number;
  description: string;
  /** Numbers, days and hours: inclusive bounds. */
  min?: number;
  max?: number;
}

/** Parameters after validation: every spec'd key present, numbers as numbers. */
export type FlowParams = Readonly<Record<string, string | number>>;

/** A segment a flow needs (a schedule trigger's audience), created by name when absent. */
export interface FlowSegment {
  name: string;
  description: string;
  condition: SegmentCondition;
}

export interface FlowBuild {
  journey: JourneyDefinitionInput;
  templates: TemplateInput[];
  segments?: FlowSegment[];
  /** Typed custom fields the flow reads (`birthday` as a date for a yearly trigger). */
  dateFields?: string[];
}

export type FlowCategory =
  'onboarding' | 'abandonment' | 'catalog' | 'post_purchase' | 'retention' | 'lifecycle';

export interface FlowDefinition {
  /** kebab-case; the name `flows enable` and `POST /journeys/from-template` take. */
  id: string;
  /** The journey's name once enabled. */
  name: string;
  category: FlowCategory;
  /** One line: what it does, for the list. */
  summary: string;
  /** One line: why, in the seeds' words (which seed says so). */
  reason: string;
  params: FlowParamSpec[];
  build(params: FlowParams): FlowBuild;
}

/** A number parameter as a number (validated before build, so a bug if not). */
export function num(params: FlowParams, key: string): number {
  const v = params[key];
  if (typeof v !== 'number') throw new Error(`flow parameter ${key} is not a number`);
  return v;
}

/** A text parameter as text. */
export function text(params: FlowParams, key: string): string {
  const v = params[key];
  if (typeof v !== 'string') throw new Error(`flow parameter ${key} is not text`);
  return v;
}
