import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message the sink accepted: the raw source and its parsed form. */
export interface SunkMessage {
  raw: string;
  parsed: ParsedMail;
  messageId: string | undefined;
  envelopeTo: string[];
  /** The queue id the sink answered with (`250 OK: queued as <queueId>`). */
  queueId: string;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  messages: SunkMessage[];
  /** Accepted messages per Message-ID (a resend with the same id counts twice). */
  countByMessageId(messageId: string): number;
  /** Resolves once `n` messages have been accepted (or rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<SunkMessage[]>;
  /** RCPT TO these addresses is refused with 550 (the mailbox does not exist). */
  rejectRecipients: Set<string>;
  /** The next `n` RCPT TO commands get 451 (greylisting, a full queue). */
  failTemporarily(n: number): void;
  close(): Promise<void>;
}

/** A real SMTP server on loopback that keeps what it receives, for channel tests. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SunkMessage[] = [];
  const rejectRecipients = new Set<string>();
  let temporaryFailures = 0;
  let queueSeq = 0;
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (temporaryFailures > 0) {
        temporaryFailures--;
        return callback(
          Object.assign(new Error('4.7.1 Greylisted, try again later'), { responseCode: 451 }),
        );
      }
      if (rejectRecipients.has(address.address.toLowerCase()))
        return callback(Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const queueId = `Q${String(++queueSeq).padStart(6, '0')}`;
        simpleParser(raw)
          .then((parsed) => {
            messages.push({
              raw,
              parsed,
              messageId: parsed.messageId,
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              queueId,
            });
            for (const w of waiters.splice(0)) w();
            callback(null, `OK: queued as ${queueId}`);
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error('parse')));
      });
    },
  });
  // A client killed mid-conversation (the sender crash test) resets its connection: that is
  // the client's end going away, not a failure of the sink.
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    rejectRecipients,
    countByMessageId: (id) => messages.filter((m) => m.messageId === id).length,
    failTemporarily(n) {
      temporaryFailures = n;
    },
    async waitFor(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > deadline)
          throw new Error(`the sink got ${messages.length} messages, expected ${n}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return messages.slice(0, n);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
