import type { Command } from 'commander';
import type { Config } from './config/config.js';
import { DEFAULT_WORKSPACE_ID } from './modules/workspaces/index.js';
import { createLogger } from './platform/logger.js';
import { startServer } from './server.js';

interface SendTestOptions {
  to: string;
  workspace: string;
  profile?: string;
  language?: string;
}

/**
 * `comeback send-test TEMPLATE --to ADDRESS`: renders a template and sends a `[Test]` copy now,
 * through the same outbox and channel a real message takes (SMTP_URL, or the local outbox), and
 * says what became of it. The process starts the server's parts without listening or applying
 * events, so it can run beside a running server on the same database.
 */
export function registerMessagingCommands(program: Command, loadConfig: () => Config): void {
  program
    .command('send-test')
    .description('render a template and send a [Test] copy to an address now')
    .argument('<template>', 'template id or name')
    .requiredOption('--to <address>', 'where the test goes (an email address, a +E.164 phone)')
    .option('--workspace <id>', 'workspace', DEFAULT_WORKSPACE_ID)
    .option('--profile <id>', 'render for this profile (default: a sample profile)')
    .option('--language <tag>', "the language variant to send (default: the profile's)")
    .action(async (template: string, opts: SendTestOptions) => {
      const config = loadConfig();
      const server = await startServer(
        { ...config, role: 'worker' },
        { background: false, logger: createLogger('warn') },
      );
      try {
        // A first start creates the workspace's keys: shown here once, as `serve` would.
        for (const k of server.bootstrap.createdKeys)
          process.stdout.write(
            `Created ${k.scope} key for workspace "${k.workspaceId}" (shown once): ${k.key}\n`,
          );
        const { messaging, sender, outbox } = server.services;
        const queued = await messaging.send(
          opts.workspace,
          {
            template,
            to: opts.to,
            ...(opts.profile !== undefined ? { profileId: opts.profile } : {}),
            ...(opts.language !== undefined ? { language: opts.language } : {}),
          },
          { test: true },
        );
        if (!queued.ok) {
          const details = queued.error.details.map((d) => `\n  ${d.field}: ${d.message}`).join('');
          process.stderr.write(`comeback: ${queued.error.message}${details}\n`);
          process.exitCode = 1;
          return;
        }
        await sender.drain();
        const message = await outbox.get(opts.workspace, queued.value.id);
        const status = message?.status ?? 'unknown';
        // The workspace's own SMTP account, when it saved one, sends in place of SMTP_URL.
        const accounts = await server.services.providerCredentials.effective(
          opts.workspace,
          config,
        );
        const how =
          accounts.smtpUrl === undefined && message?.channel === 'email'
            ? ' (no SMTP_URL: kept in the local outbox, see GET /api/v1/messages)'
            : '';
        process.stdout.write(
          `${queued.value.id}: ${status}${how}${message?.lastError ? ` - ${message.lastError}` : ''}\n`,
        );
        if (status !== 'sent') process.exitCode = 1;
      } finally {
        await server.stop();
      }
    });
}
