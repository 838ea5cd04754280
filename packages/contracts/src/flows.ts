import { z } from 'zod';
import { storableText } from './errors.js';
import { journeySettingsSchema } from './journey-runs.js';

/**
 * The flow library: ready journeys (with their templates) a workspace enables by name with
 * parameters. `GET /journey-templates` lists them, `POST /journeys/from-template` enables one;
 * docs/guides/flows.md describes each.
 */
export const flowParamTypes = ['days', 'hours', 'number', 'text', 'code', 'category'] as const;

export const flowParamSchema = z.object({
  key: z.string(),
  type: z.enum(flowParamTypes),
  default: z.union([z.string(), z.number()]),
  description: z.string(),
  min: z.number().optional(),
  max: z.number().optional(),
});

export const flowSummarySchema = z.object({
  id: z.string(),
  name: z.string().describe('the journey name once enabled'),
  category: z.string(),
  summary: z.string(),
  reason: z.string().describe("why, in the seeds' words"),
  trigger: z.string().describe('the trigger in words'),
  channels: z.array(z.string()),
  messages: z.number().int().describe('send steps'),
  priority: z.number().int(),
  params: z.array(flowParamSchema),
});
export type FlowSummary = z.infer<typeof flowSummarySchema>;

/** A flow built with the given (or default) parameters: exactly what enabling would save. */
export const flowDetailSchema = flowSummarySchema.extend({
  values: z.record(z.string(), z.union([z.string(), z.number()])),
  journey: z.record(z.string(), z.unknown()),
  templates: z.array(z.record(z.string(), z.unknown())),
  segments: z.array(z.record(z.string(), z.unknown())),
});
export type FlowDetail = z.infer<typeof flowDetailSchema>;

const paramValues = z
  .record(
    z.string().min(1).max(64),
    z.union([storableText().max(200), z.number().min(-1e9).max(1e9)]),
  )
  .refine((r) => Object.keys(r).length <= 30, 'at most 30 parameters');

export const enableFlowRequestSchema = z.strictObject({
  /** The flow's id (GET /journey-templates). */
  template: z.string().min(1).max(100),
  params: paramValues.optional(),
  /** false: save the journey as a draft without starting it. */
  activate: z.boolean().default(true),
  /** true: say what would change, change nothing. */
  dryRun: z.boolean().default(false),
});
export type EnableFlowRequest = z.input<typeof enableFlowRequestSchema>;

export const flowChanges = ['created', 'updated', 'unchanged'] as const;
export type FlowChange = (typeof flowChanges)[number];

export const enableFlowResultSchema = z.object({
  flow: z.string(),
  journeyId: z.string().nullable().describe('null on a dry run that would create it'),
  status: z.string(),
  activeVersion: z.number().int().nullable(),
  /** True when nothing was (or, on a dry run, would be) changed. */
  unchanged: z.boolean(),
  dryRun: z.boolean(),
  changes: z.object({
    journey: z.enum([...flowChanges, 'activated']),
    templates: z.record(z.string(), z.enum(flowChanges)),
    segments: z.record(z.string(), z.enum(flowChanges)),
    customFields: z.record(z.string(), z.enum(flowChanges)),
    /** The sending rules set because the workspace had none (a budget, quiet hours). */
    settings: journeySettingsSchema.nullable(),
  }),
});
export type EnableFlowResult = z.infer<typeof enableFlowResultSchema>;
