import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fieldMappingSchema, type FieldMapping } from '@comeback/contracts';
import { CatalogStore } from '../../src/modules/catalog/index.js';
import { EventLog, Processor } from '../../src/modules/ingest/index.js';
import { ImportService, type ImportRequest } from '../../src/modules/imports/index.js';
import { CustomFieldRegistry, ProfileStore } from '../../src/modules/profiles/index.js';
import { bootstrapWorkspace } from '../../src/modules/workspaces/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { createLogger } from '../../src/platform/logger.js';
import { freshDatabase, type Engine } from '../support/engines.js';

export const SECRET = 'imports-test-secret-0001';

/** A database with the import service and a processor, on a manual clock. */
export interface ImportKit {
  database: Database;
  service: ImportService;
  processor: Processor;
  clock: ManualClock;
  customFields: CustomFieldRegistry;
  dir: string;
  /** A file in this kit's temp dir. */
  write(name: string, content: string | Buffer): string;
  run(
    req: Omit<ImportRequest, 'workspaceId'> & { workspaceId?: string },
  ): ReturnType<ImportService['run']>;
  count(sql: string, ...params: unknown[]): Promise<number>;
  rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function importKit(
  engine: Engine,
  opts: { chunkRows?: number; url?: string } = {},
): Promise<ImportKit> {
  const handle = opts.url === undefined ? await freshDatabase(engine) : null;
  const database = openDatabase(opts.url ?? handle?.url ?? '');
  await migrateToLatest(database);
  await bootstrapWorkspace(database.db, { now: Date.UTC(2024, 0, 1), secret: SECRET });
  const clock = new ManualClock(Date.UTC(2024, 5, 1));
  const logger = createLogger('silent');
  const eventLog = new EventLog(database);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-imports-'));
  const customFields = new CustomFieldRegistry(database.db, () => 0);
  const service = new ImportService({
    database,
    clock,
    eventLog,
    catalog: new CatalogStore(database.dialect),
    customFields,
    logger,
    workDir: path.join(dir, 'work'),
    ...(opts.chunkRows !== undefined ? { chunkRows: opts.chunkRows } : {}),
  });
  const processor = new Processor(database, eventLog, clock, logger, {
    batchSize: 2000,
    gatherMs: 0,
    store: new ProfileStore(database, SECRET),
  });
  const rows = async <T>(query: string, ...params: unknown[]): Promise<T[]> => {
    if (database.dialect === 'sqlite') {
      return database.sqlite.raw.prepare(query).all(...params) as T[];
    }
    let i = 0;
    const pgQuery = query.replace(/\?/g, () => `$${++i}`);
    return (await database.pool.query(pgQuery, params)).rows as T[];
  };
  return {
    database,
    service,
    processor,
    clock,
    customFields,
    dir,
    write: (name, content) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    },
    run: (req) => service.run({ workspaceId: 'default', ...req }),
    rows,
    count: async (query, ...params) => {
      const [row] = await rows<Record<string, unknown>>(query, ...params);
      return Number(Object.values(row ?? {})[0] ?? 0);
    },
    close: async () => {
      await database.close();
      await handle?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const gzip = (text: string) => zlib.gzipSync(Buffer.from(text));

/** A small shop's orders: one row per line, customers by e-mail. */
export const ORDERS_CSV = [
  'order_id,email,sku,name,quantity,price,ordered_at,currency',
  '1001,ana@example.com,A1,Apple,2,1.50,2024-01-05T10:00:00Z,EUR',
  '1001,ana@example.com,B2,Banana,1,0.75,2024-01-05T10:00:00Z,EUR',
  '1002,bo@example.com,A1,Apple,1,1.50,2024-02-01T09:00:00Z,EUR',
  '1003,ana@example.com,C3,Cherry,3,2.00,2024-03-01T12:00:00Z,EUR',
].join('\n');

/** The Online Retail mapping of the imports guide (docs/guides/online-retail-mapping.json). */
export const RETAIL_MAPPING: FieldMapping = fieldMappingSchema.parse(
  JSON.parse(
    fs.readFileSync(
      path.resolve(import.meta.dirname, '../../../../docs/guides/online-retail-mapping.json'),
      'utf8',
    ),
  ),
);

/** Customers with typed traits, for the bad-input cases. */
export const CUSTOMERS: FieldMapping = {
  kind: 'customers',
  columns: [
    { source: 'email', target: 'email', transform: ['trim', 'lowercase'] },
    { source: 'name', target: 'traits.name' },
    { source: 'plan', target: 'traits.plan', type: 'enum', values: ['free', 'pro'] },
    { source: 'signup', target: 'traits.signup_at', type: 'date', dateFormat: 'yyyy-MM-dd' },
    { source: 'points', target: 'traits.points', type: 'number' },
  ],
};

/** Every kind of bad row, with its line in the comment. */
export const BAD_CSV = [
  'email,name,plan,signup,points', // 1
  'a@x.com,Ana,pro,2024-01-02,10', // 2 ok
  'b@x.com,Bo,free,2024-01-03,20,extra', // 3 one field too many
  'd@x.com,"Di', // 4 a quoted field over two lines: ok
  'Two",free,2024-01-05,3', // 5
  'e@x.com,Ed,gold,2024-01-06,4', // 6 unknown enum value
  'f@x.com,Fay,pro,06/01/2024,5', // 7 date in the wrong format
  'g@x.com,Gil,pro,2024-01-07,many', // 8 not a number
  ',Hal,pro,2024-01-08,6', // 9 no identity
  'i@x.com,Ivy,free,2024-01-09,7', // 10 ok
  'j@x.com,"Jo"x,pro,2024-01-10,1', // 11 text after a closing quote
  'k@x.com,Kim,pro,2024-01-11,2', // 12 ok: a bad quote does not swallow what follows
  'l@x.com,"Lu""cy",free,2024-01-12,3', // 13 ok: an escaped quote
].join('\n');
