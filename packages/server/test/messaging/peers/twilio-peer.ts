/**
 * A local HTTP server playing Twilio's Messages API (POST
 * /2010-04-01/Accounts/{AccountSid}/Messages.json): it checks each request as Twilio documents
 * it (HTTP Basic with the account SID and auth token, the exact path, a form with To in E.164,
 * From or MessagingServiceSid, a non-empty Body of at most 1,600 characters) and answers as
 * Twilio does: 201 with the message resource, or Twilio's JSON error. Tests script failures.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TwilioPeerRequest {
  /** The account the request authenticated as (and whose path it posted to). */
  accountSid: string;
  /** Every form field as sent. */
  fields: Record<string, string>;
  /** The SID answered (SM + 32 hex). */
  sid: string;
}

/** A scripted answer for the next request: a Twilio error, a rate limit, or a dropped socket. */
export type ScriptedAnswer =
  { status: number; code?: number; message?: string; retryAfter?: string } | { drop: true };

export interface TwilioPeer {
  /** The API base URL to give the channel (`apiUrl`). */
  url: string;
  accountSid: string;
  authToken: string;
  /** Messages accepted (201), in order. */
  accepted: TwilioPeerRequest[];
  /** Requests refused because they broke the documented rules, with why. */
  refused: { code: number; message: string }[];
  /** The next requests are answered with these, in order, after the checks pass. */
  script(...answers: ScriptedAnswer[]): void;
  /** Another account this peer serves (a store's own, beside the instance's). */
  addAccount(accountSid: string, authToken: string): void;
  close(): Promise<void>;
}

const E164 = /^\+[1-9][0-9]{6,14}$/;
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

function twilioError(res: ServerResponse, status: number, code: number, message: string) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(
    JSON.stringify({
      code,
      message,
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status,
    }),
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startTwilioPeer(
  accountSid = `AC${hex(16)}`,
  authToken = hex(16),
): Promise<TwilioPeer> {
  const accepted: TwilioPeerRequest[] = [];
  const refused: { code: number; message: string }[] = [];
  const scripted: ScriptedAnswer[] = [];
  const basicOf = (sid: string, token: string) =>
    `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;
  /** Each account's Basic credentials: a request may only use its own account's path. */
  const accounts = new Map([[basicOf(accountSid, authToken), accountSid]]);

  const server = createServer((req, res) => {
    void (async () => {
      const refuse = (status: number, code: number, message: string) => {
        refused.push({ code, message });
        twilioError(res, status, code, message);
      };
      const text = await readBody(req);
      const account = accounts.get(req.headers.authorization ?? '');
      if (account === undefined) return refuse(401, 20003, 'Authenticate');
      if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${account}/Messages.json`)
        return refuse(404, 20404, `The requested resource ${req.url ?? ''} was not found`);
      if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
        return refuse(400, 20001, 'Content-Type must be application/x-www-form-urlencoded');
      const form = new URLSearchParams(text);
      const fields = Object.fromEntries(form);
      const to = form.get('To');
      if (to === null) return refuse(400, 21604, "A 'To' phone number is required.");
      if (!E164.test(to)) return refuse(400, 21211, `Invalid 'To' Phone Number: ${to}`);
      const from = form.get('From');
      const service = form.get('MessagingServiceSid');
      if (from === null && service === null)
        return refuse(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required");
      if (from !== null && !E164.test(from))
        return refuse(400, 21212, `Invalid From Number: ${from}`);
      if (service !== null && !/^MG[0-9a-fA-F]{32}$/.test(service))
        return refuse(400, 21701, 'The Messaging Service Sid is invalid.');
      const body = form.get('Body') ?? '';
      if (body === '') return refuse(400, 21602, 'Message body is required.');
      if ([...body].length > 1600)
        return refuse(
          400,
          21617,
          'The concatenated message body exceeds the 1600 character limit.',
        );
      const next = scripted.shift();
      if (next !== undefined && 'drop' in next) return req.socket.destroy();
      if (next !== undefined) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (next.retryAfter !== undefined) headers['retry-after'] = next.retryAfter;
        res.writeHead(next.status, headers);
        return res.end(
          JSON.stringify({
            code: next.code ?? next.status,
            message: next.message ?? 'scripted failure',
            more_info: `https://www.twilio.com/docs/errors/${next.code ?? next.status}`,
            status: next.status,
          }),
        );
      }
      const sid = `SM${hex(16)}`;
      accepted.push({ accountSid: account, fields, sid });
      const now = new Date().toUTCString().replace('GMT', '+0000');
      res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({
          account_sid: account,
          api_version: '2010-04-01',
          body,
          date_created: now,
          date_sent: null,
          date_updated: now,
          direction: 'outbound-api',
          error_code: null,
          error_message: null,
          from: from ?? null,
          messaging_service_sid: service ?? null,
          num_media: '0',
          num_segments: '1',
          price: null,
          price_unit: 'USD',
          sid,
          status: service !== null ? 'accepted' : 'queued',
          subresource_uris: {
            media: `/2010-04-01/Accounts/${account}/Messages/${sid}/Media.json`,
          },
          to,
          uri: `/2010-04-01/Accounts/${account}/Messages/${sid}.json`,
        }),
      );
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    accepted,
    refused,
    script: (...answers) => scripted.push(...answers),
    addAccount: (sid, token) => accounts.set(basicOf(sid, token), sid),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
