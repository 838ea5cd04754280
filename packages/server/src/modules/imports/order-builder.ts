import { MAX_AMOUNT, MAX_QUANTITY, type FieldMapping } from '@comeback/contracts';
import type { ServerCall } from '../ingest/index.js';
import { RefundMatcher, type PurchasedLine } from './refund-matcher.js';
import type { RowMapper } from './row-mapper.js';
import {
  digestOf,
  identityOf,
  messageIdOf,
  num,
  rejectedOf,
  round2,
  str,
  under,
  type Identity,
  type MappedRow,
  type UnitSink,
} from './units.js';

interface Checked {
  row: MappedRow;
  orderId: string;
  identity: Identity;
  customerKey: string;
  refund: boolean;
}

interface Group {
  orderId: string;
  refund: boolean;
  identity: Identity;
  customerKey: string;
  head: MappedRow;
  lines: PurchasedLine[];
  /** The rows' lines; the rows themselves only for a refund (unmatched ones are rejected). */
  lineNos: number[];
  rows: MappedRow[];
}

const LINE_KEYS = ['product_id', 'variant_id', 'sku', 'name', 'category', 'brand', 'url'];
const ORDER_NUMBERS = ['subtotal', 'tax', 'shipping', 'discount'] as const;
const ORDER_TEXTS = ['currency', 'coupon', 'status', 'order_number', 'checkout_id'] as const;
/** Orders kept in memory to join rows of an order that reappear after other orders. */
const WINDOW = 1000;

/**
 * Orders from rows: consecutive rows with the same order id are one order (its lines). Each
 * order becomes one `Order Completed` call; refund rows (per the mapping's refund rule) become
 * `Order Refunded` calls. An order whose rows reappear after other orders is joined with its
 * earlier rows when they are among the last 1,000 orders (and reported when they are not).
 */
export class OrderBuilder {
  #group: Group | null = null;
  readonly #window = new Map<string, Group>();
  readonly #seen = new Set<string>();
  readonly #matcher: RefundMatcher | null;

  constructor(
    private readonly mapper: RowMapper,
    private readonly mapping: FieldMapping | null,
    private readonly sink: UnitSink,
    private readonly now: number,
  ) {
    this.#matcher =
      mapping?.refunds?.match === 'latest_order_with_product' ? new RefundMatcher() : null;
  }

  add(row: MappedRow): void {
    this.addLine([row]);
  }

  /**
   * The rows of one line of the file (a JSON order with a products array is one line and
   * several rows): all of them are checked before any is used, so a line is either taken whole
   * or rejected once, with the first reason, and counted exactly once either way.
   */
  addLine(rows: MappedRow[]): void {
    const checked: Checked[] = [];
    for (const row of rows) {
      const c = this.#check(row);
      if (typeof c === 'string') return this.sink.reject(rejectedOf(rows[0] ?? row, c));
      checked.push(c);
    }
    for (const c of checked) this.#place(c);
  }

  /** Why the row cannot be part of an order, or what it is (pure: nothing changes yet). */
  #check(row: MappedRow): Checked | string {
    const f = row.fields;
    const orderId = str(f.order_id);
    if (orderId === undefined) return 'order_id is empty';
    const identity = identityOf(f);
    if (typeof identity === 'string') return identity;
    const customerKey = identity.customer_id ?? identity.email?.toLowerCase() ?? identity.phone;
    if (customerKey === undefined) {
      return 'no customer: customer_id, email or phone is needed for an order';
    }
    const refund = this.#isRefund(f);
    if (refund) {
      // A credit note's quantities and amounts are negative; what was refunded is positive.
      for (const k of ['line.quantity', 'line.price', 'total']) {
        const n = num(f[k]);
        if (n !== undefined) f[k] = Math.abs(n);
      }
    }
    const outOfRange = this.mapper.checkRanges(f) ?? amountProblem(f, refund);
    if (outOfRange) return outOfRange.message;
    const group = this.#group;
    if (
      group &&
      group.orderId === orderId &&
      group.refund === refund &&
      group.customerKey !== customerKey
    ) {
      return `order ${orderId} belongs to customer ${group.customerKey} (line ${group.head.line}); this row names ${customerKey}`;
    }
    return { row, orderId, identity, customerKey, refund };
  }

  #place({ row, orderId, identity, customerKey, refund }: Checked): void {
    let group = this.#group;
    if (group && (group.orderId !== orderId || group.refund !== refund)) {
      this.#complete(group);
      group = this.#group = null;
    }
    if (!group) {
      group = {
        orderId,
        refund,
        identity,
        customerKey,
        head: row,
        lines: [],
        lineNos: [],
        rows: [],
      };
      this.#group = group;
    }
    group.lineNos.push(row.line);
    if (refund) group.rows.push(row);
    const line = lineOf(row);
    if (line) group.lines.push(line);
  }

  /** The first line of the order still open (its rows are not decided yet). */
  openSince(): number | null {
    return this.#group?.head.line ?? null;
  }

  /** The last order is complete at the end of the file. */
  finish(): void {
    if (this.#group) this.#complete(this.#group);
    this.#group = null;
  }

  #isRefund(f: Record<string, unknown>): boolean {
    const rule = this.mapping?.refunds?.when;
    if (!rule) return false;
    const v = f[rule.target];
    if (rule.negative && typeof v === 'number' && v < 0) return true;
    const s = str(v);
    if (s === undefined) return false;
    return (
      (rule.startsWith !== undefined && s.startsWith(rule.startsWith)) ||
      (rule.equals !== undefined && s === rule.equals)
    );
  }

  #complete(group: Group): void {
    if (group.refund) return this.#refund(group);
    let order = group;
    const earlier = this.#window.get(group.orderId);
    if (earlier) {
      // The same order again after other orders: one order with all its lines.
      order = { ...earlier, lines: [...earlier.lines, ...group.lines] };
      this.#window.delete(group.orderId);
    } else if (this.#seen.has(group.orderId)) {
      this.sink.note(
        group.head.line,
        `order ${group.orderId} continues here too far from its earlier rows to join them: it now holds only the rows from line ${group.head.line}`,
      );
    }
    this.#seen.add(group.orderId);
    this.#window.set(group.orderId, order);
    if (this.#window.size > WINDOW) {
      const oldest = this.#window.keys().next().value;
      if (oldest !== undefined) this.#window.delete(oldest);
    }
    const at = timeOf(order.head, this.now);
    this.#matcher?.recordOrder(group.customerKey, group.orderId, at, group.lines);
    this.#emitOrder(order, group.lineNos, at);
  }

  #emitOrder(order: Group, lineNos: number[], at: number): void {
    const f = order.head.fields;
    const products = order.lines.map(lineProperties);
    const total = num(f.total) ?? round2(order.lines.reduce((s, l) => s + l.price * l.quantity, 0));
    const properties: Record<string, unknown> = {
      ...under(f, 'properties.'),
      order_id: order.orderId,
      total,
    };
    for (const k of ORDER_NUMBERS) if (num(f[k]) !== undefined) properties[k] = f[k];
    for (const k of ORDER_TEXTS) if (str(f[k]) !== undefined) properties[k] = f[k];
    const updated = num(f.updated_at);
    if (updated !== undefined) properties.updated_at = new Date(updated).toISOString();
    properties.products = products;
    const timeGiven = num(f.ordered_at) ?? num(f.updated_at);
    const { identity, extra } = splitTraits(order.identity, under(f, 'traits.'));
    const content = JSON.stringify([identity, properties, timeGiven ?? null, extra ?? null]);
    const digest = digestOf(`order\n${content}`);
    const calls: ServerCall[] = [
      {
        type: 'track',
        event: 'Order Completed',
        messageId: messageIdOf('o', digest),
        timestamp: at,
        identity,
        properties,
      },
    ];
    if (extra) {
      calls.push({
        type: 'identify',
        messageId: messageIdOf('t', digest),
        timestamp: at,
        identity: order.identity,
        traits: extra,
      });
    }
    this.sink.unit({
      key: `order:${order.orderId}`,
      digest,
      lastLine: lineNos.at(-1) ?? 0,
      rows: distinctCount(lineNos),
      calls,
    });
  }

  #refund(group: Group): void {
    const at = timeOf(group.head, this.now);
    const f = group.head.fields;
    const reason = str(f.refund_reason);
    if (!this.#matcher) {
      // The refund rows name their order.
      const products = group.lines.map(lineProperties);
      const properties: Record<string, unknown> = { order_id: group.orderId, products };
      if (num(f.total) !== undefined) properties.total = f.total;
      if (reason !== undefined) properties.reason = reason;
      const digest = digestOf(`refund\n${JSON.stringify([group.identity, properties, at])}`);
      properties.refund_id = str(f.refund_id) ?? `${group.orderId}:${digest.slice(0, 12)}`;
      return this.#emitRefund(group, group.rows, properties, at, digest);
    }
    const matched = this.#matcher.match(group.customerKey, at, group.lines);
    for (const miss of matched.unmatched) {
      const row = group.rows.find((r) => r.line === miss.line.line);
      if (row) this.sink.reject(rejectedOf(row, miss.reason));
    }
    for (const c of matched.capped) this.sink.note(c.line, c.message);
    for (const [orderId, lines] of matched.byOrder) {
      const creditNote = group.orderId;
      const properties: Record<string, unknown> = {
        order_id: orderId,
        refund_id: `${creditNote}:${orderId}`,
        credit_note: creditNote,
        total: round2(lines.reduce((s, l) => s + l.price * l.quantity, 0)),
        products: lines.map(lineProperties),
      };
      if (reason !== undefined) properties.reason = reason;
      const used = new Set(lines.map((l) => l.line));
      const rows = group.rows.filter((r) => used.has(r.line));
      const digest = digestOf(`refund\n${JSON.stringify([group.identity, properties, at])}`);
      this.#emitRefund(group, rows, properties, at, digest);
    }
  }

  #emitRefund(
    group: Group,
    rows: MappedRow[],
    properties: Record<string, unknown>,
    at: number,
    digest: string,
  ): void {
    this.sink.unit({
      key: `refund:${String(properties.refund_id)}`,
      digest,
      lastLine: rows.at(-1)?.line ?? group.head.line,
      rows: distinctCount(rows.map((r) => r.line)),
      calls: [
        {
          type: 'track',
          event: 'Order Refunded',
          messageId: messageIdOf('r', digest),
          timestamp: at,
          identity: group.identity,
          properties,
        },
      ],
    });
  }
}

/** Lines of the file: a JSON line with a products array is one row however many lines it has. */
const distinctCount = (sorted: number[]) =>
  sorted.reduce((n, line, i) => (i === 0 || line !== sorted[i - 1] ? n + 1 : n), 0);

function timeOf(row: MappedRow, now: number): number {
  return num(row.fields.ordered_at) ?? num(row.fields.updated_at) ?? now;
}

const LINE_TARGETS = LINE_KEYS.map((k) => [k, `line.${k}`] as const);

/** Order amounts as the tracking API takes them (contracts' amounts.ts), per column. */
const AMOUNT_TARGETS = ['total', 'subtotal', 'tax', 'shipping', 'line.price'] as const;

function amountProblem(f: Record<string, unknown>, refund: boolean): { message: string } | null {
  const bad = (target: string, why: string) => ({ message: `${target} ${why}` });
  for (const target of AMOUNT_TARGETS) {
    const n = num(f[target]);
    if (n === undefined) continue;
    if (n < 0) {
      return bad(
        target,
        `is ${n}: an order's amounts cannot be negative (import refunds as refund rows${refund ? '' : ", see the mapping's refunds rule"})`,
      );
    }
    if (n > MAX_AMOUNT)
      return bad(target, `is ${n}, over the limit of ${MAX_AMOUNT.toExponential()}`);
  }
  const discount = num(f.discount);
  if (discount !== undefined && Math.abs(discount) > MAX_AMOUNT) {
    return bad('discount', `is ${discount}, over the limit of ${MAX_AMOUNT.toExponential()}`);
  }
  const quantity = num(f['line.quantity']);
  if (quantity !== undefined && (quantity < 0 || quantity > MAX_QUANTITY)) {
    return bad('line.quantity', `is ${quantity}: a quantity is between 0 and ${MAX_QUANTITY}`);
  }
  const lineAmount = (num(f['line.price']) ?? 0) * (quantity ?? 1);
  if (lineAmount > MAX_AMOUNT) {
    return bad(
      'line.price',
      `× line.quantity is ${lineAmount}, over ${MAX_AMOUNT.toExponential()}`,
    );
  }
  return null;
}

function lineOf(row: MappedRow): PurchasedLine | null {
  const f = row.fields;
  let properties: Record<string, unknown> | null = null;
  for (const [k, target] of LINE_TARGETS) {
    const v = f[target];
    if (v === undefined) continue;
    const text = str(v);
    if (text !== undefined) (properties ??= {})[k] = text;
  }
  const price = num(f['line.price']);
  if (properties === null && price === undefined) return null;
  properties ??= {};
  const product = str(properties.product_id) ?? str(properties.sku) ?? str(properties.name);
  if (properties.product_id === undefined && properties.sku !== undefined) {
    properties.product_id = properties.sku;
  }
  const quantity = num(f['line.quantity']) ?? 1;
  properties.price = price ?? 0;
  properties.quantity = quantity;
  return { line: row.line, price: price ?? 0, quantity, product, properties };
}

const lineProperties = (l: PurchasedLine): Record<string, unknown> => l.properties;

/** Text traits ride along in the order's context; others need an identify call of their own. */
function splitTraits(
  identity: Identity,
  traits: Record<string, unknown> | undefined,
): { identity: Record<string, string>; extra: Record<string, unknown> | undefined } {
  const out: Record<string, string> = { ...identity };
  if (!traits) return { identity: out, extra: undefined };
  const typed = Object.values(traits).some((v) => typeof v !== 'string');
  if (typed) return { identity: out, extra: traits };
  for (const [k, v] of Object.entries(traits)) if (typeof v === 'string') out[k] = v;
  return { identity: out, extra: undefined };
}
