import type { ErrorCode } from '@comeback/contracts';

/** A JSON Schema object as OpenAPI 3.0 carries it. */
export type JsonSchema = Record<string, unknown>;

export interface Example {
  /** One line shown above the example in the reference. */
  summary: string;
  value: unknown;
}

/** One answer an operation can give: its status is the key it is filed under. */
export interface ResponseDoc {
  description: string;
  /** Media type of the body; `application/json` unless said. */
  contentType?: string;
  /** At least one for any answer with a body; none means no body (204). */
  examples: Example[];
  /**
   * The body's schema, for answers the route does not declare itself (a declared schema is the
   * one that serializes the answer, so it is kept).
   */
  schema?: JsonSchema;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  /** Error answers: the code the envelope carries (checked against the status by the tests). */
  errorCode?: ErrorCode;
}

/** Where and how an operation Fastify does not describe itself (a hidden route) is reached. */
export interface UndeclaredRoute {
  tags: string[];
  parameters: Record<string, unknown>[];
  security?: Record<string, string[]>[];
}

export interface OperationDoc {
  /** Defaults to the route's own `summary`. */
  summary?: string;
  /** What it does, what it needs, and what a caller should know (markdown). */
  description: string;
  /** An example request body (and its media type when not JSON). */
  request?: { contentType?: string; example: unknown; schema?: JsonSchema; description?: string };
  /** Example values of query or path parameters, by name. */
  parameters?: Record<string, unknown>;
  responses: Record<number, ResponseDoc>;
  /** Only for routes hidden from the generator (store webhooks): the rest of the operation. */
  undeclared?: UndeclaredRoute;
}

/** Operations keyed by `METHOD /path/{param}`, exactly as they appear in the document. */
export type Catalogue = Record<string, OperationDoc>;
