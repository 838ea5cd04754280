import { expect } from 'vitest';
import { startTestServer, json, type TestServer } from '../support/test-server.js';
import type { Engine } from '../support/engines.js';
import { startSmtpSink, type SmtpSink } from '../messaging/smtp-sink.js';
import { startTwilioPeer, type TwilioPeer } from '../messaging/peers/twilio-peer.js';
import { startMetaPeer, type MetaPeer } from '../messaging/peers/meta-peer.js';

/** A whole server on the manual clock with every channel pointed at a local peer. */
export interface JourneyWorld {
  t: TestServer;
  sink: SmtpSink;
  twilio: TwilioPeer;
  meta: MetaPeer;
  advance(by: string): Promise<void>;
  /** POST then expect the status; answers the JSON body. */
  post<T = Record<string, unknown>>(path: string, body: unknown, status?: number): Promise<T>;
  get<T = Record<string, unknown>>(path: string): Promise<T>;
  profileIdOf(email: string): Promise<string>;
  close(): Promise<void>;
}

export const mjml = (text: string) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;

export async function startJourneyWorld(engine: Engine): Promise<JourneyWorld> {
  const sink = await startSmtpSink();
  const twilio = await startTwilioPeer();
  const meta = await startMetaPeer({
    accessToken: 'meta-token-0001',
    phoneNumberId: '1098765432',
    templates: { 'miss_you/en': 1 },
  });
  const t = await startTestServer(engine, {
    background: false,
    config: {
      clock: 'manual',
      smtpUrl: sink.url,
      emailFrom: 'Lens Shop <shop@lens.example>',
      twilio: {
        accountSid: twilio.accountSid,
        authToken: twilio.authToken,
        from: '+15005550006',
        apiUrl: twilio.url,
      },
      whatsapp: {
        accessToken: 'meta-token-0001',
        phoneNumberId: '1098765432',
        appSecret: undefined,
        verifyToken: undefined,
        apiUrl: meta.apiUrl,
      },
    },
  });
  const post = async <T>(path: string, body: unknown, status = 200): Promise<T> => {
    const res = await t.api(path, { method: 'POST', body });
    const answer = await json<T>(res);
    expect(res.status, JSON.stringify(answer)).toBe(status);
    return answer;
  };
  return {
    t,
    sink,
    twilio,
    meta,
    advance: async (by) => {
      await post('/clock/advance', { by });
    },
    post,
    get: async <T>(path: string) => {
      const res = await t.api(path);
      const answer = await json<T>(res);
      expect(res.status, JSON.stringify(answer)).toBe(200);
      return answer;
    },
    profileIdOf: async (email) => {
      await t.settle();
      const found = await json<{ data: { id: string }[] }>(
        await t.api(`/api/v1/profiles?email=${encodeURIComponent(email)}`),
      );
      const id = found.data[0]?.id;
      if (!id) throw new Error(`no profile for ${email}`);
      return id;
    },
    close: async () => {
      await t.stop();
      await sink.close();
      await twilio.close();
      await meta.close();
    },
  };
}
