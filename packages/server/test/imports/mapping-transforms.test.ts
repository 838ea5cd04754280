import type { CustomField, FieldMapping } from '@comeback/contracts';
import { describe, expect, it } from 'vitest';
import { RowMapper, validateMapping } from '../../src/modules/imports/row-mapper.js';
import { Invalid } from '../../src/modules/imports/value-parsers.js';

const noFields = new Map<string, CustomField>();

function mapperFor(mapping: FieldMapping | null, header: string[], fields = noFields) {
  const created = RowMapper.create(mapping?.kind ?? 'customers', mapping, fields);
  if (!created.ok) throw new Error(created.error.message);
  const bound = created.value.bindHeader(header);
  if (!bound.ok) throw new Error(bound.error.message);
  return created.value;
}

/** Maps one row and returns the fields, or the reason it is rejected. */
function mapOne(mapping: FieldMapping, header: string[], cells: string[], fields = noFields) {
  const out = mapperFor(mapping, header, fields).mapCells(cells);
  return out instanceof Invalid ? out.message : out;
}

describe('field mapping transforms', () => {
  it('trims, lower-cases and turns "17850.0" into "17850"', () => {
    const mapping: FieldMapping = {
      kind: 'customers',
      columns: [
        { source: 'Mail', target: 'email', transform: ['trim', 'lowercase'] },
        { source: 'Id', target: 'customer_id', transform: ['trim', 'integer'] },
        { source: 'Tier', target: 'traits.tier', transform: ['uppercase'] },
      ],
    };
    expect(
      mapOne(mapping, ['Mail', 'Id', 'Tier'], ['  Ana@Example.COM ', '17850.0', 'gold']),
    ).toEqual({
      email: 'ana@example.com',
      customer_id: '17850',
      'traits.tier': 'GOLD',
    });
    expect(mapOne(mapping, ['Mail', 'Id', 'Tier'], ['a@b.c', '17850.5', 'x'])).toBe(
      'column "Id" (customer_id): expected an integer, got "17850.5"',
    );
  });

  it('reads dates in a given format and zone (Luxon tokens), also across DST', () => {
    const mapping: FieldMapping = {
      kind: 'orders',
      columns: [
        { source: 'id', target: 'order_id' },
        { source: 'c', target: 'customer_id' },
        {
          source: 'when',
          target: 'ordered_at',
          dateFormat: 'dd.MM.yyyy HH:mm',
          timezone: 'Europe/Berlin',
        },
        { source: 'born', target: 'traits.birthday', type: 'date', dateFormat: 'd/M/yyyy' },
      ],
    };
    const header = ['id', 'c', 'when', 'born'];
    // Winter: UTC+1; summer: UTC+2.
    expect(mapOne(mapping, header, ['1', 'c1', '15.01.2024 10:30', '3/7/1990'])).toMatchObject({
      ordered_at: Date.UTC(2024, 0, 15, 9, 30),
      'traits.birthday': '1990-07-03T00:00:00.000Z',
    });
    expect(mapOne(mapping, header, ['1', 'c1', '15.07.2024 10:30', '3/7/1990'])).toMatchObject({
      ordered_at: Date.UTC(2024, 6, 15, 8, 30),
    });
    expect(mapOne(mapping, header, ['1', 'c1', '2024-07-15 10:30', '3/7/1990'])).toBe(
      'column "when" (ordered_at): expected a date like "dd.MM.yyyy HH:mm", got "2024-07-15 10:30"',
    );
    expect(mapOne(mapping, header, ['1', 'c1', '31.04.2024 10:30', '3/7/1990'])).toMatch(
      /expected a date like/,
    );
    // A format the fast path does not read goes through Luxon.
    const named: FieldMapping = {
      ...mapping,
      columns: [
        { source: 'id', target: 'order_id' },
        { source: 'c', target: 'customer_id' },
        { source: 'when', target: 'ordered_at', dateFormat: 'd LLL yyyy', timezone: 'UTC' },
      ],
    };
    expect(mapOne(named, ['id', 'c', 'when'], ['1', 'c1', '5 Mar 2024'])).toMatchObject({
      ordered_at: Date.UTC(2024, 2, 5),
    });
  });

  it('reads numbers written for a locale ("1.234,56" in de-DE)', () => {
    const mapping: FieldMapping = {
      kind: 'orders',
      columns: [
        { source: 'id', target: 'order_id' },
        { source: 'c', target: 'customer_id' },
        { source: 'Betrag', target: 'total', numberLocale: 'de-DE' },
        { source: 'Preis', target: 'line.price', numberLocale: 'de-DE' },
      ],
    };
    const header = ['id', 'c', 'Betrag', 'Preis'];
    expect(mapOne(mapping, header, ['1', 'c', '1.234,56', '0,5'])).toMatchObject({
      total: 1234.56,
      'line.price': 0.5,
    });
    expect(mapOne(mapping, header, ['1', 'c', '1,234.56', '1'])).toBe(
      'column "Betrag" (total): expected a number written for de-DE, got "1,234.56"',
    );
    expect(mapOne(mapping, header, ['1', 'c', '12abc', '1'])).toMatch(/expected a number/);
  });

  it('maps enum values and rejects unknown ones; lists, booleans and defaults', () => {
    const mapping: FieldMapping = {
      kind: 'customers',
      columns: [
        { source: 'mail', target: 'email' },
        {
          source: 'Gender',
          target: 'traits.gender',
          type: 'enum',
          enumMap: { M: 'male', F: 'female', D: 'diverse' },
          values: ['male', 'female', 'diverse'],
        },
        { source: 'Tags', target: 'traits.tags', type: 'list', separator: '|' },
        { source: 'News', target: 'traits.newsletter', type: 'boolean', default: false },
        { source: 'Tier', target: 'traits.tier', default: 'bronze' },
      ],
    };
    const header = ['mail', 'Gender', 'Tags', 'News', 'Tier'];
    expect(mapOne(mapping, header, ['a@b.c', 'F', ' vip | early ||', 'yes', ''])).toEqual({
      email: 'a@b.c',
      'traits.gender': 'female',
      'traits.tags': ['vip', 'early'],
      'traits.newsletter': true,
      'traits.tier': 'bronze',
    });
    expect(mapOne(mapping, header, ['a@b.c', 'female', '', '', 'gold'])).toMatchObject({
      'traits.gender': 'female',
      'traits.newsletter': false,
    });
    expect(mapOne(mapping, header, ['a@b.c', 'X', '', '', ''])).toBe(
      'column "Gender" (traits.gender): unknown value "X" (expected one of male, female, diverse)',
    );
    expect(mapOne(mapping, header, ['a@b.c', 'M', '', 'maybe', ''])).toMatch(/expected a boolean/);
  });

  it('types a declared custom field by its declaration', () => {
    const fields = new Map<string, CustomField>([
      ['plan', { name: 'plan', type: 'enum', values: ['free', 'pro'] }],
      ['lifetime_points', { name: 'lifetime_points', type: 'number' }],
    ]);
    const mapping: FieldMapping = {
      kind: 'customers',
      columns: [
        { source: 'email', target: 'email' },
        { source: 'plan', target: 'traits.plan' },
        { source: 'points', target: 'traits.lifetime_points' },
      ],
    };
    const header = ['email', 'plan', 'points'];
    expect(mapOne(mapping, header, ['a@b.c', 'pro', '1200'], fields)).toMatchObject({
      'traits.plan': 'pro',
      'traits.lifetime_points': 1200,
    });
    expect(mapOne(mapping, header, ['a@b.c', 'gold', '1'], fields)).toMatch(/unknown value "gold"/);
  });

  it('without a mapping, columns named like fields map to themselves; others are reported', () => {
    const mapper = mapperFor(null, ['Email', 'customer-id', 'first_name', 'Shoe Size'], noFields);
    expect(mapper.mapCells(['a@b.c', '7', 'Ana', '38'])).toEqual({
      email: 'a@b.c',
      customer_id: '7',
      'traits.first_name': 'Ana',
    });
    expect([...mapper.unknownColumns]).toEqual(['Shoe Size']);
    const orders = RowMapper.create('orders', null, noFields);
    if (!orders.ok) throw new Error('orders');
    expect(orders.value.bindHeader(['Order ID', 'Email', 'SKU', 'Qty', 'Price']).ok).toBe(true);
    expect(orders.value.mapCells(['9', 'a@b.c', 'X1', '2', '3'])).toEqual({
      order_id: '9',
      email: 'a@b.c',
      'line.sku': 'X1',
      'line.price': 3,
    });
    expect([...orders.value.unknownColumns]).toEqual(['Qty']);
  });

  it('refuses a mapping with unknown targets, enums without values or a file without the needed columns', () => {
    const bad: FieldMapping = {
      kind: 'orders',
      columns: [
        { source: 'a', target: 'order_id' },
        { source: 'b', target: 'shoe_size' },
        { source: 'c', target: 'traits.x', type: 'enum' },
        { source: 'd', target: 'order_id' },
      ],
    };
    const result = validateMapping(bad, noFields);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.details.map((d) => d.field)).toEqual([
      'columns.1',
      'columns.2',
      'columns.3.target',
    ]);
    const mapper = RowMapper.create(
      'orders',
      { kind: 'orders', columns: [{ source: 'Invoice', target: 'order_id' }] },
      noFields,
    );
    if (!mapper.ok) throw new Error('mapper');
    const bound = mapper.value.bindHeader(['id', 'sku']);
    expect(bound.ok).toBe(false);
    if (!bound.ok)
      expect(bound.error.message).toBe('the file has no column "Invoice" (its columns: id, sku)');
  });
});
