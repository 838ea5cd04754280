/**
 * `comeback send-test TEMPLATE --to ADDRESS` as a real process (the built CLI) beside a running
 * server on the same database: the test copy goes out through SMTP to a real server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../process/harness.js';
import { engines } from '../support/engines.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

describe.each(engines)('comeback send-test on %s', (engine) => {
  let t: TestServer;
  let sink: SmtpSink;
  let env: Record<string, string> = {};

  beforeAll(async () => {
    assertBuilt();
    sink = await startSmtpSink();
    t = await startTestServer(engine);
    const config = t.server.services.config;
    env = {
      DATABASE_URL: config.databaseUrl,
      ...(config.dataDir !== undefined ? { COMEBACK_DATA_DIR: config.dataDir } : {}),
      SMTP_URL: sink.url,
      COMEBACK_EMAIL_FROM: 'Lens Shop <news@lens.example>',
    };
    const res = await t.api('/api/v1/templates', {
      method: 'POST',
      body: {
        name: 'Welcome',
        channel: 'email',
        variants: {
          en: {
            subject: 'Hello {{ profile.first_name | default: "there" }}',
            body: '<mjml><mj-body><mj-section><mj-column><mj-text>Welcome to {{ store.name }}</mj-text></mj-column></mj-section></mj-body></mjml>',
          },
        },
      },
    });
    expect(res.status).toBe(201);
  });
  afterAll(async () => {
    await t?.stop();
    await sink?.close();
  });

  it('sends a [Test] copy through SMTP and says it was sent', async () => {
    const run = await runCli(['send-test', 'Welcome', '--to', 'Me@Example.com'], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^msg_[0-9a-f]{24}: sent\n$/);
    const [mail] = await sink.waitFor(1);
    expect(mail?.envelopeTo).toEqual(['me@example.com']);
    // The sample profile's name: a test shows what a real recipient would see.
    expect(mail?.parsed.subject).toBe('[Test] Hello Dana');
    expect(mail?.messageId).toBe(`<${run.stdout.slice(0, 28)}@lens.example>`);
  });

  it('names the problem and exits 1 for an unknown template or a bad address', async () => {
    const unknown = await runCli(['send-test', 'Nope', '--to', 'me@example.com'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('comeback: no template Nope\n');
    const bad = await runCli(['send-test', 'Welcome', '--to', 'not-an-address'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^comeback: not an email address\n {2}to: /);
    expect(sink.messages).toHaveLength(1);
  });
});
