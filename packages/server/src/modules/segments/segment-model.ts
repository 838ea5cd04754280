import type { CustomField, SegmentCondition } from '@comeback/contracts';

/** The type a registry field has; it decides which operators apply (docs/guides/segments.md). */
export type FieldType = 'string' | 'number' | 'boolean' | 'date' | 'enum' | 'list' | 'any';

/** One field a segment may test: where it lives is the registry's business, not the caller's. */
export interface FieldSpec {
  /** `traits.plan`, `computed.order_count`, `predictions.churn_risk`, ... */
  path: string;
  type: FieldType;
  description: string;
  /** An enum's values. */
  values?: readonly string[];
}

/**
 * The conditions of the segments a definition refers to, by id, transitively: the checker
 * resolved them (each exists in the workspace, no cycle), so evaluators inline them.
 */
export type SegmentReferences = ReadonlyMap<string, SegmentCondition>;

/** Everything an evaluator needs to answer "who is in it at `at`". */
export interface SegmentQuery {
  workspaceId: string;
  condition: SegmentCondition;
  references: SegmentReferences;
  /** The instant the answer is for (epoch ms): windows and dates are relative to it. */
  at: number;
  /** The workspace's declared custom fields (traits.NAME's type), by name. */
  customFields: ReadonlyMap<string, CustomField>;
  /**
   * The answer as it was at a past `at` (a journey backtest): events and orders after `at`
   * do not count, and `since_entering` counts from the entry in effect then (the segment's
   * recorded changes), not from today's. Absent: the live answer, from today's entries.
   */
  history?: boolean;
}
