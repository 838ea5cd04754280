import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { ChannelKind } from '@comeback/contracts';
import { createTransport } from 'nodemailer';
import type { Channel } from '../../packages/server/dist/modules/messaging/channel.js';
import { ConsentService } from '../../packages/server/dist/modules/messaging/consent-service.js';
import { EmailChannel } from '../../packages/server/dist/modules/messaging/email-channel.js';
import { MessageSender } from '../../packages/server/dist/modules/messaging/message-sender.js';
import { Outbox, type NewMessage } from '../../packages/server/dist/modules/messaging/outbox.js';
import { starterLayouts } from '../../packages/server/dist/modules/messaging/starter-layouts.js';
import { TemplateService } from '../../packages/server/dist/modules/messaging/template-service.js';
import { ManualClock, SystemClock } from '../../packages/server/dist/platform/clock.js';
import {
  migrateToLatest,
  openDatabase,
  type Database,
} from '../../packages/server/dist/platform/db/database.js';
import { createLogger } from '../../packages/server/dist/platform/logger.js';
import type { Benchmark } from '../lib/benchmark.js';
import { removeDir, tempDir, trackChild } from '../lib/cleanup.js';
import { resultRow } from '../lib/result.js';
import { intFromEnv } from '../lib/scale.js';
import { fmt } from '../lib/stats.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WORKSPACE = 'bench';
const FROM = 'Shop <news@shop.example>';
const DOMAINS = ['gmail.example', 'outlook.example', 'walla.example', 'yahoo.example'];

/**
 * A loopback SMTP sink that only counts (parsing every message would measure the sink), in a
 * process of its own so that it does not share the sender's event loop.
 */
const SINK_PROGRAM = `
const { SMTPServer } = require('smtp-server');
const ids = new Set();
let accepted = 0;
const server = new SMTPServer({
  authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
  onData(stream, _session, callback) {
    let head = '';
    stream.on('data', (c) => { if (head.length < 8000) head += c.toString('utf8'); });
    stream.on('end', () => {
      const m = /^Message-ID:\\s*(<[^>\\r\\n]+>)/im.exec(head);
      ids.add(m ? m[1] : '');
      accepted++;
      callback(null, 'OK: queued as Q' + accepted);
    });
  },
});
process.on('message', (m) => {
  if (m === 'reset') { ids.clear(); accepted = 0; }
  process.send({ accepted, distinct: ids.size });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.server.address().port }));
`;

interface SinkCounts {
  accepted: number;
  distinct: number;
}

async function countingSink() {
  const child = spawn(process.execPath, ['-e', SINK_PROGRAM], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  trackChild(child);
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`the SMTP sink exited (${code})`)));
    });
  const ready = await next();
  const port = isRecord(ready) && typeof ready.port === 'number' ? ready.port : 0;
  if (!port) throw new Error('the SMTP sink did not start');
  const ask = async (what: 'stats' | 'reset'): Promise<SinkCounts> => {
    const answer = next();
    child.send(what);
    const r = await answer;
    if (!isRecord(r) || typeof r.accepted !== 'number' || typeof r.distinct !== 'number')
      throw new Error('the SMTP sink answered nonsense');
    return { accepted: r.accepted, distinct: r.distinct };
  };
  return {
    url: `smtp://127.0.0.1:${port}`,
    counts: () => ask('stats'),
    reset: () => ask('reset'),
    close() {
      child.kill();
    },
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

interface Prepared {
  messages: NewMessage[];
  /** Same recipients and bodies as `messages`, in nodemailer's terms. */
  mails: { to: string; subject: string; html: string; text: string; messageId: string }[];
}

/** N rendered newsletters (en and he alternate), marketing, to N people on a few domains. */
async function prepare(n: number): Promise<Prepared> {
  const dir = tempDir('send-render');
  const database = openDatabase(`sqlite:${path.join(dir, 'render.db')}`);
  try {
    await migrateToLatest(database);
    await database.db
      .insertInto('workspaces')
      .values({ id: WORKSPACE, name: WORKSPACE, currency: 'USD', created_at: 0 })
      .execute();
    const templates = new TemplateService(database, new ManualClock(0));
    const saved = await templates.create(WORKSPACE, starterLayouts.newsletter);
    if (!saved.ok) throw new Error(saved.error.message);
    const rendered = [];
    for (const language of ['en', 'he']) {
      const r = await templates.render(saved.value, {
        profile: {
          id: 'p',
          email: null,
          phone: null,
          first_name: language === 'he' ? 'נועה' : 'Ada',
          last_name: null,
          language,
          timezone: null,
          traits: {},
          computed: {},
          predictions: null,
        },
        data: {
          products: Array.from({ length: 6 }, (_, i) => ({
            title: `Product ${i + 1}`,
            url: `https://shop.example/p/${i + 1}`,
            image_url: `https://cdn.shop.example/p/${i + 1}.jpg`,
            price: 10 + i,
            currency: 'USD',
          })),
        },
        links: { unsubscribe: 'https://shop.example/u', preferences: null },
        store: { name: 'Shop', address: 'Herzl 1', currency: 'USD', url: 'https://shop.example' },
        now: 0,
      });
      if (!r.ok) throw new Error(r.error.message);
      rendered.push(r.value);
    }
    const messages: NewMessage[] = [];
    const mails: Prepared['mails'] = [];
    for (let i = 0; i < n; i++) {
      const r = rendered[i % 2];
      if (!r?.html || r.subject === null) throw new Error('no html rendered');
      const to = `r${i}@${DOMAINS[i % DOMAINS.length]}`;
      const subject = `${r.subject} #${i}`;
      messages.push({
        workspaceId: WORKSPACE,
        profileId: `p${i}`,
        channel: 'email',
        kind: 'marketing',
        templateId: saved.value.id,
        templateVersion: 1,
        language: r.language,
        dedupeKey: `bench:newsletter:p${i}`,
        to,
        subject,
        html: r.html,
        text: r.text,
      });
      mails.push({ to, subject, html: r.html, text: r.text, messageId: `<base${i}@shop.example>` });
    }
    return { messages, mails };
  } finally {
    await database.close();
    removeDir(dir);
  }
}

/** A fresh SQLite outbox with N messages queued and N people subscribed; returns the drain. */
async function oursRun(
  prepared: Prepared,
  sinkUrl: string,
  options: { concurrency: number; maxConnections: number },
  log: (line: string) => void,
): Promise<{ seconds: number; sent: number; enqueuePerS: number }> {
  const dir = tempDir('send');
  const database: Database = openDatabase(`sqlite:${path.join(dir, 'comeback.db')}`);
  const clock = new SystemClock();
  const email = new EmailChannel({
    smtpUrl: sinkUrl,
    from: FROM,
    messageIdDomain: 'shop.example',
    maxConnections: options.maxConnections,
    // The sink plays many receiving servers; the per-domain limit is not what is measured.
    perDomainPerSecond: 1_000_000,
  });
  try {
    await migrateToLatest(database);
    await database.db
      .insertInto('workspaces')
      .values({ id: WORKSPACE, name: WORKSPACE, currency: 'USD', created_at: 0 })
      .execute();
    const rows = prepared.messages.map((m) => ({
      workspace_id: WORKSPACE,
      profile_id: m.profileId ?? '',
      channel: 'email',
      status: 'subscribed',
      source: 'bench',
      proof: null,
      updated_at: 0,
    }));
    await database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 500)
        await trx
          .insertInto('consents')
          .values(rows.slice(i, i + 500))
          .execute();
    });
    const outbox = new Outbox(database);
    const consent = new ConsentService(database);
    const e0 = performance.now();
    for (const m of prepared.messages) await outbox.enqueue(m, clock.now());
    const enqueuePerS = prepared.messages.length / ((performance.now() - e0) / 1000);
    const sender = new MessageSender(
      outbox,
      new Map<ChannelKind, Channel>([['email', email]]),
      clock,
      createLogger('silent'),
      {
        gate: (m) => consent.mayReceive(m),
        unsubscribeUrl: (m) => `https://shop.example/u/${m.id}`,
        suppress: async () => {},
        concurrency: options.concurrency,
      },
    );
    const t0 = performance.now();
    await sender.drain();
    const seconds = (performance.now() - t0) / 1000;
    const sent = await database.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'sent')
      .executeTakeFirstOrThrow();
    log(
      `ours (concurrency ${options.concurrency}, ${options.maxConnections} connections): ` +
        `${fmt(Number(sent.n))} sent in ${fmt(seconds, 2)} s`,
    );
    return { seconds, sent: Number(sent.n), enqueuePerS };
  } finally {
    await email.close();
    await database.close();
    removeDir(dir);
  }
}

/** Plain pooled nodemailer, every message handed over at once, the pool doing the queueing. */
async function baselineRun(
  prepared: Prepared,
  sinkUrl: string,
  maxConnections: number,
): Promise<number> {
  const transport = createTransport({ url: sinkUrl, pool: true, maxConnections });
  try {
    const t0 = performance.now();
    await Promise.all(
      prepared.mails.map((m) =>
        transport.sendMail({
          from: FROM,
          to: m.to,
          subject: m.subject,
          html: m.html,
          text: m.text,
          messageId: m.messageId,
          headers: {
            'List-Unsubscribe': '<https://shop.example/u>',
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          },
        }),
      ),
    );
    return (performance.now() - t0) / 1000;
  } finally {
    transport.close();
  }
}

/**
 * Emails per second into a loopback SMTP sink through the outbox (SQLite, each status change
 * committed) and MessageSender with the real consent gate and EmailChannel, beside plain pooled
 * nodemailer sending the same messages to the same sink in the same run.
 */
export const sendBenchmark: Benchmark = {
  name: 'send',
  summary:
    'emails/s into a loopback SMTP sink: outbox (SQLite) + MessageSender + EmailChannel vs ' +
    'plain pooled nodemailer, 2,000 newsletters; target >= 500/s and ratio >= 0.8',
  async run({ log }) {
    const n = intFromEnv('BENCH_SEND_MESSAGES', 2_000);
    const prepared = await prepare(n);
    const sink = await countingSink();
    try {
      // Warm-up: connections, JIT, the first SQLite pages; not timed.
      await baselineRun({ ...prepared, mails: prepared.mails.slice(0, 100) }, sink.url, 5);
      await sink.reset();
      const baselineS = await baselineRun(prepared, sink.url, 5);
      const got = await sink.counts();
      if (got.accepted !== n) throw new Error(`baseline: the sink got ${got.accepted}`);
      const baseline = n / baselineS;
      log(`baseline: ${fmt(n)} sent in ${fmt(baselineS, 2)} s`);

      // The sender's default concurrency (8), and 16 beside it; both over the baseline's pool.
      const runs = [
        { concurrency: 8, maxConnections: 5 },
        { concurrency: 16, maxConnections: 5 },
      ];
      const rows = [];
      for (const options of runs) {
        await sink.reset();
        const r = await oursRun(prepared, sink.url, options, log);
        const at = await sink.counts();
        if (r.sent !== n || at.accepted !== n || at.distinct !== n)
          throw new Error(
            `ours: ${r.sent} marked sent, sink got ${at.accepted} (${at.distinct} distinct)`,
          );
        const ours = n / r.seconds;
        rows.push(
          resultRow({
            name: options.concurrency === 8 ? 'send' : `send-c${options.concurrency}`,
            metric: 'emails_per_s',
            unit: 'emails/s',
            ours,
            baseline,
            target: { atLeast: 500, ratioAtLeast: 0.8 },
            notes:
              `${fmt(n)} marketing newsletters (~${fmt((prepared.mails[0]?.html.length ?? 0) / 1000)} kB ` +
              `HTML + text) on ${DOMAINS.length} domains to a loopback counting sink (its own process); ours: ` +
              `sender.drain() on a fresh SQLite outbox (claim per 50; consent gate, 'sending' ` +
              `and 'sent' committed per message), concurrency ${options.concurrency}` +
              `${options.concurrency === 8 ? ' (the default)' : ''}, ${options.maxConnections} ` +
              `pooled connections; baseline: one nodemailer pool (5 connections), all ${fmt(n)} ` +
              `sendMail at once; enqueue alone ${fmt(r.enqueuePerS)}/s (not in the figure)`,
          }),
        );
      }
      return rows;
    } finally {
      sink.close();
    }
  },
};
