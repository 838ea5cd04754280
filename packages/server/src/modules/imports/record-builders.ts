import {
  callSchemas,
  callTypes,
  productInputSchema,
  type CallType,
  type CustomField,
  type ProductInput,
} from '@comeback/contracts';
import { asRecord, isRecord, oneOf } from '../../platform/json.js';
import { bareRecord, ownValue, setOwn, unsafeSegmentOf } from '../../platform/safe-object.js';
import { normalizeCall } from '../ingest/index.js';
import { coerceTraits } from '../profiles/index.js';
import {
  digestOf,
  identityOf,
  messageIdOf,
  num,
  rejectedOf,
  str,
  under,
  type MappedRow,
  type UnitSink,
} from './units.js';

/** Customers: one `identify` call per row, identified by customer_id, email or phone. */
export class CustomerBuilder {
  constructor(
    private readonly sink: UnitSink,
    private readonly now: number,
  ) {}

  add(row: MappedRow): void {
    const f = row.fields;
    // Checked here, so a row the profiles could not use is rejected with its reason rather than
    // counted as imported and then dropped by the processor.
    const identity = identityOf(f);
    if (typeof identity === 'string') return this.sink.reject(rejectedOf(row, identity));
    const { customer_id: id, email, phone } = identity;
    const key =
      id !== undefined
        ? `customer:c:${id}`
        : email !== undefined
          ? `customer:e:${email.trim().toLowerCase()}`
          : phone !== undefined
            ? `customer:p:${phone}`
            : null;
    if (key === null) {
      return this.sink.reject(
        rejectedOf(row, 'no identity: customer_id, email or phone is needed'),
      );
    }
    const traits = under(f, 'traits.') ?? {};
    const timeGiven = num(f.updated_at);
    const digest = digestOf(`customer\n${JSON.stringify([identity, traits, timeGiven ?? null])}`);
    this.sink.unit({
      key,
      digest,
      lastLine: row.line,
      rows: 1,
      calls: [
        {
          type: 'identify',
          messageId: messageIdOf('c', digest),
          timestamp: timeGiven ?? this.now,
          identity,
          traits,
        },
      ],
    });
  }

  openSince(): number | null {
    return null;
  }

  finish(): void {}
}

/** Products: consecutive rows with the same id are one product and its variants. */
export class ProductBuilder {
  #rows: MappedRow[] = [];

  constructor(private readonly sink: UnitSink) {}

  add(row: MappedRow): void {
    const id = str(row.fields.id);
    if (id === undefined) return this.sink.reject(rejectedOf(row, 'id is empty'));
    const current = this.#rows[0];
    if (current && str(current.fields.id) !== id) this.finish();
    this.#rows.push(row);
  }

  openSince(): number | null {
    return this.#rows[0]?.line ?? null;
  }

  finish(): void {
    const rows = this.#rows;
    this.#rows = [];
    const head = rows[0];
    if (!head) return;
    const f = head.fields;
    const input: Record<string, unknown> = { id: str(f.id) };
    for (const k of ['title', 'url', 'image_url', 'currency']) {
      if (str(f[k]) !== undefined) input[k] = f[k];
    }
    for (const k of [
      'price',
      'stock',
      'usage_days',
      'categories',
      'active',
      'consumable',
      'non_product',
    ]) {
      if (f[k] !== undefined) input[k] = f[k];
    }
    const updated = num(f.updated_at);
    if (updated !== undefined) input.updated_at = new Date(updated).toISOString();
    const attributes = under(f, 'attributes.');
    if (attributes) input.attributes = attributes;
    const variants = rows.flatMap((r) => {
      const v = under(r.fields, 'variant.');
      return v && str(v.id) !== undefined ? [v] : [];
    });
    if (variants.length) input.variants = variants;
    const parsed = productInputSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const reason = `product ${String(input.id)}: ${issue?.path.join('.') || 'row'}: ${issue?.message ?? 'invalid'}`;
      // One rejection per line: a JSON product with its variants is one line and several rows.
      const lines = new Set<number>();
      for (const r of rows) {
        if (lines.has(r.line)) continue;
        lines.add(r.line);
        this.sink.reject(rejectedOf(r, reason));
      }
      return;
    }
    const product: ProductInput = parsed.data;
    this.sink.unit({
      key: `product:${product.id}`,
      digest: digestOf(`product\n${JSON.stringify(product)}`),
      lastLine: rows.at(-1)?.line ?? head.line,
      rows: new Set(rows.map((r) => r.line)).size,
      calls: [],
      product,
    });
  }
}

/**
 * Builds a nested call from dotted fields: `properties.total` -> `{ properties: { total } }`.
 * Objects on the way have no prototype, so no path (a header is user input) can walk into
 * Object.prototype; the mapper refuses `__proto__`/`constructor`/`prototype` segments before
 * this, and a path that slips through anyway rejects the row rather than being walked.
 */
function nest(fields: Record<string, unknown>): Record<string, unknown> | string {
  const out = bareRecord();
  for (const [path, value] of Object.entries(fields)) {
    const unsafe = unsafeSegmentOf(path);
    if (unsafe !== null) return `${path}: ${unsafe} cannot be a field name`;
    const keys = path.split('.');
    let target = out;
    for (const k of keys.slice(0, -1)) {
      const current = ownValue(target, k);
      const next = isRecord(current) ? current : bareRecord();
      setOwn(target, k, next);
      target = next;
    }
    const last = keys.at(-1);
    if (last !== undefined) setOwn(target, last, value);
  }
  if (typeof out.timestamp === 'number') out.timestamp = new Date(out.timestamp).toISOString();
  return out;
}

/**
 * Events: each row is one Segment call (JSON lines as sent, or CSV columns mapped to its
 * fields), validated with the tracking API's own schemas and normalized the same way. A call
 * without a messageId gets one derived from its content, so a second import is a no-op.
 */
export class EventBuilder {
  constructor(
    private readonly sink: UnitSink,
    private readonly workspaceId: string,
    private readonly source: Record<string, unknown>,
    private readonly customFields: Map<string, CustomField>,
    private readonly now: number,
  ) {}

  add(row: MappedRow, asSent: Record<string, unknown> | null): void {
    const reject = (reason: string) => this.sink.reject(rejectedOf(row, reason));
    const call = asSent ? { ...asSent } : nest(row.fields);
    if (typeof call === 'string') return reject(call);
    const typeName = str(call.type) ?? (call.event !== undefined ? 'track' : undefined);
    const type: CallType | undefined =
      typeName === undefined ? undefined : oneOf(callTypes, typeName);
    if (type === undefined) {
      return reject(`type must be one of ${callTypes.join(', ')} (got ${typeName ?? 'none'})`);
    }
    call.type = type;
    const coerced = this.#coerce(type, call);
    if (typeof coerced === 'string') return reject(coerced);
    const parsed = callSchemas[type].safeParse(coerced);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return reject(`${issue?.path.join('.') || 'call'}: ${issue?.message ?? 'invalid'}`);
    }
    const valid: Record<string, unknown> = { ...parsed.data };
    const messageId = str(valid.messageId) ?? messageIdOf('e', digestOf(JSON.stringify(valid)));
    valid.messageId = messageId;
    // Marked as imported history (journeys tell it from live events); not part of the id.
    const context = asRecord(valid.context);
    if (context.source === undefined) valid.context = { ...context, source: this.source };
    const normalized = normalizeCall(this.workspaceId, type, valid, {}, this.now, '');
    if (!normalized.ok) return reject(normalized.error.message);
    this.sink.unit({
      key: null,
      digest: messageId,
      lastLine: row.line,
      rows: 1,
      calls: [],
      events: [normalized.value],
    });
  }

  /** Declared custom fields are coerced in traits, as the tracking API does. */
  #coerce(type: CallType, call: Record<string, unknown>): Record<string, unknown> | string {
    if (this.customFields.size === 0) return call;
    let out = call;
    if (type === 'identify' && isRecord(call.traits)) {
      const t = coerceTraits(this.customFields, call.traits, 'traits');
      if (!t.ok) return t.error.message;
      out = { ...out, traits: t.value };
    }
    if (isRecord(call.context) && isRecord(call.context.traits)) {
      const t = coerceTraits(this.customFields, call.context.traits, 'context.traits');
      if (!t.ok) return t.error.message;
      out = { ...out, context: { ...call.context, traits: t.value } };
    }
    return out;
  }

  openSince(): number | null {
    return null;
  }

  finish(): void {}
}
