import { z } from 'zod';
import { storableText } from './errors.js';

/**
 * Bulk imports: what a file holds, how its columns map to Comeback's fields (a saved, named
 * field mapping), and how an import job is shown. Guide: docs/guides/imports.md.
 */
export const importKinds = ['customers', 'orders', 'products', 'events'] as const;
export type ImportKind = (typeof importKinds)[number];
export const importFormats = ['csv', 'jsonl'] as const;
export type ImportFormat = (typeof importFormats)[number];

export const fieldTypes = ['string', 'number', 'boolean', 'date', 'enum', 'list'] as const;
export type FieldType = (typeof fieldTypes)[number];
export const fieldTransforms = ['trim', 'lowercase', 'uppercase', 'integer'] as const;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const columnMappingSchema = z.object({
  /** The CSV column (header name) or, in JSON lines, the key (dotted for nested: `a.b`). */
  source: storableText().min(1).max(256),
  /** The field it fills: `email`, `traits.tier`, `order_id`, `line.sku`, `price`, ... */
  target: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/, 'a field name such as line.sku')
    .max(256),
  /** Default: the target's own type (a declared custom field's type for its trait). */
  type: z.enum(fieldTypes).optional(),
  /** Applied in order before the value is typed. `integer`: "17850.0" -> "17850". */
  transform: z.array(z.enum(fieldTransforms)).max(8).optional(),
  /** Luxon format tokens for dates, e.g. `dd.MM.yyyy HH:mm`; default ISO-8601. */
  dateFormat: z.string().min(1).max(64).optional(),
  /** IANA zone for dates written without an offset; default UTC. */
  timezone: z.string().min(1).max(64).optional(),
  /** Locale of written numbers, e.g. `de-DE` reads "1.234,56" as 1234.56. */
  numberLocale: z.string().min(2).max(35).optional(),
  /** Source value -> stored value, applied before an enum is checked. */
  enumMap: z.record(z.string(), z.string()).optional(),
  /** Allowed values of an enum (default: the custom field's declared values). */
  values: z.array(z.string().min(1)).min(1).max(1000).optional(),
  /** Separator of a list written in one cell; default ",". */
  separator: z.string().min(1).max(8).optional(),
  /** Used when the cell is empty or missing. */
  default: scalar.optional(),
  /** An empty cell rejects the row (unless there is a default). */
  required: z.boolean().optional(),
  /** Numbers: the row is rejected below this value. */
  minimum: z.number().finite().optional(),
  /** Numbers: the row is rejected at or below this value. */
  exclusiveMinimum: z.number().finite().optional(),
});
export type ColumnMapping = z.infer<typeof columnMappingSchema>;

export const refundRuleSchema = z.object({
  /** A row is a refund when this target's value starts with / equals the given text, or is < 0. */
  when: z.object({
    target: z.string().min(1).max(256),
    startsWith: z.string().min(1).max(64).optional(),
    equals: z.string().min(1).max(256).optional(),
    negative: z.boolean().optional(),
  }),
  /**
   * Which order a refund belongs to. `order_id`: the refund row names its order. For files that
   * do not say (a credit note of its own): `latest_order_with_product`, the customer's latest
   * earlier order in the same import holding the refunded product.
   */
  match: z.enum(['order_id', 'latest_order_with_product']).default('order_id'),
});

export const fieldMappingSchema = z.object({
  kind: z.enum(importKinds),
  columns: z.array(columnMappingSchema).max(500),
  /** Fixed values for fields no column holds, e.g. `{ "currency": "GBP" }`. */
  constants: z.record(z.string().max(256), scalar).optional(),
  /** Columns deliberately not imported: not reported as unknown. */
  ignore: z.array(z.string().max(256)).max(500).optional(),
  /** Orders only: which rows are refunds (credit notes) rather than order lines. */
  refunds: refundRuleSchema.optional(),
});
export type FieldMapping = z.infer<typeof fieldMappingSchema>;
export type FieldMappingInput = z.input<typeof fieldMappingSchema>;

export const mappingNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'lower-case letters, digits, _ . - (at most 64)');

export const savedMappingInputSchema = fieldMappingSchema.extend({ name: mappingNameSchema });
export const savedMappingSchema = fieldMappingSchema.extend({
  name: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SavedMapping = z.infer<typeof savedMappingSchema>;

export const importSummarySchema = z.object({
  jobId: z.string(),
  kind: z.enum(importKinds),
  file: z.string(),
  rows: z.number(),
  imported: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  rejected: z.number(),
  rejectedFile: z.string().nullable(),
  unknownColumns: z.array(z.string()),
  errors: z.array(z.object({ line: z.number(), message: z.string() })),
  durationMs: z.number(),
});

export const importStatuses = ['queued', 'running', 'done', 'failed'] as const;
export const importJobSchema = z.object({
  id: z.string(),
  kind: z.enum(importKinds),
  format: z.enum(importFormats).nullable(),
  file: z.string(),
  mapping: z.string().nullable().describe('the saved mapping used, by name'),
  status: z.enum(importStatuses),
  progress: z.object({ rows: z.number(), bytes: z.number(), totalBytes: z.number() }),
  summary: importSummarySchema.nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type ImportJobView = z.infer<typeof importJobSchema>;
