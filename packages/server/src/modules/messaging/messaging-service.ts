import { randomUUID } from 'node:crypto';
import type {
  ChannelKind,
  RenderedMessage,
  SendRequest,
  Template,
  TemplateDefinition,
} from '@comeback/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { scoped } from '../../platform/read-scope.js';
import type { ProfileQueries } from '../profiles/index.js';
import type { ConsentService } from './consent-service.js';
import { doubleOptInTemplate } from './double-opt-in.js';
import { trackLinks } from './link-tracking.js';
import { newMessageId, type NewMessage, type Outbox } from './outbox.js';
import { addressFor, addressOnly, checkAddress, recipientOf, type Recipient } from './recipient.js';
import { SAMPLE_PROFILE } from './sample-profile.js';
import type { SenderSettings } from './sender-settings.js';
import type { LinkSigner } from './signed-links.js';
import type { RenderContext, TemplateService } from './template-service.js';

export interface MessagingDeps {
  database: Database;
  clock: Clock;
  templates: TemplateService;
  outbox: Outbox;
  consent: ConsentService;
  links: LinkSigner;
  profiles: ProfileQueries;
  senderSettings: SenderSettings;
  /** Wakes the sender after a message is queued. */
  onQueued: () => void;
}

export interface PreviewOptions {
  profileId?: string | undefined;
  language?: string | undefined;
  data?: Record<string, unknown> | undefined;
}

/**
 * Sending a message: the template rendered for a recipient (profile variables, the caller's
 * data, signed unsubscribe and preference links, the store) and recorded in the outbox. The
 * sender delivers it later and asks consent and suppression again at that instant.
 */
export class MessagingService {
  readonly #d: MessagingDeps;
  constructor(deps: MessagingDeps) {
    this.#d = deps;
  }

  async preview(
    workspaceId: string,
    templateIdOrName: string,
    options: PreviewOptions,
  ): Promise<Result<RenderedMessage>> {
    const template = await this.#d.templates.get(workspaceId, templateIdOrName);
    if (!template.ok) return template;
    const recipient = await this.#previewRecipient(workspaceId, options.profileId);
    if (!recipient.ok) return recipient;
    const context = await this.#contextFor(
      workspaceId,
      template.value,
      recipient.value,
      options.data,
    );
    return this.#d.templates.render(template.value, context, options.language);
  }

  /** `preview` for a template not saved yet (the editor's draft): stores nothing. */
  async previewDraft(
    workspaceId: string,
    draft: TemplateDefinition,
    options: PreviewOptions,
  ): Promise<Result<RenderedMessage>> {
    const recipient = await this.#previewRecipient(workspaceId, options.profileId);
    if (!recipient.ok) return recipient;
    const context = await this.#contextFor(workspaceId, draft, recipient.value, options.data);
    return this.#d.templates.renderDraft(draft, context, options.language);
  }

  /** The profile a preview is for, or the sample one. */
  async #previewRecipient(
    workspaceId: string,
    profileId: string | undefined,
  ): Promise<Result<Recipient>> {
    if (profileId === undefined) return ok(SAMPLE_PROFILE);
    const profile = await this.#d.profiles.get(workspaceId, profileId);
    return profile.ok ? ok(recipientOf(profile.value)) : profile;
  }

  /**
   * The transactional send API (an order confirmation): renders and queues one message. The
   * same `idempotencyKey` twice answers with the first message and queues nothing more. A
   * `test` send (a marketer trying a template on their own address) is marked `[Test]` and sent
   * as transactional: the address gave no marketing consent, and asked for this one message.
   */
  async send(
    workspaceId: string,
    request: SendRequest,
    options: { test?: boolean } = {},
  ): Promise<Result<{ id: string; created: boolean }>> {
    const template = await this.#d.templates.get(workspaceId, request.template);
    if (!template.ok) return template;
    const channel = template.value.channel;
    let recipient: Recipient | null = null;
    if (request.profileId !== undefined) {
      const profile = await this.#d.profiles.get(workspaceId, request.profileId);
      if (!profile.ok) return profile;
      recipient = recipientOf(profile.value);
    }
    const to = request.to ?? (recipient ? addressFor(recipient, channel) : null);
    if (to === null)
      return fail('validation_failed', `no ${channel} address to send to`, [
        {
          field: request.profileId !== undefined ? 'profileId' : 'to',
          message: `give "to", or a profile that has ${channel === 'email' ? 'an email address' : `a ${channel} address`}`,
        },
      ]);
    const checked = checkAddress(channel, to);
    if (!checked.ok) return checked;
    // A test without a profile shows personalisation with the sample profile's values.
    const forRender =
      recipient ?? (options.test ? SAMPLE_PROFILE : addressOnly(channel, checked.value));
    const context = await this.#contextFor(workspaceId, template.value, forRender, request.data);
    const rendered = await this.#d.templates.render(template.value, context, request.language);
    if (!rendered.ok) return rendered;
    const now = this.#d.clock.now();
    // The id is chosen first: tracked links and the open pixel carry it.
    const id = newMessageId();
    const html =
      rendered.value.html === null || options.test
        ? rendered.value.html
        : trackLinks(
            rendered.value.html,
            {
              workspaceId,
              profileId: recipient?.profileId ?? null,
              messageId: id,
              campaign: template.value.name,
            },
            this.#d.links,
          );
    const queued = await this.#d.outbox.enqueue(
      {
        id,
        workspaceId,
        profileId: recipient?.profileId ?? null,
        channel,
        kind: options.test ? 'transactional' : template.value.kind,
        templateId: template.value.id,
        templateVersion: template.value.version,
        language: rendered.value.language,
        dedupeKey: options.test
          ? `test:${randomUUID()}`
          : `api:${request.idempotencyKey ?? randomUUID()}`,
        to: checked.value,
        subject:
          options.test && rendered.value.subject !== null
            ? `[Test] ${rendered.value.subject}`
            : rendered.value.subject,
        html,
        text: rendered.value.text,
        extra: channelParts(template.value, rendered.value),
      },
      now,
    );
    if (queued.created) this.#d.onQueued();
    return ok(queued);
  }

  /**
   * Where `compose` would send the template for the profile, without rendering it: the
   * template's channel and kind and the profile's checked address, or compose's failure.
   */
  async address(
    workspaceId: string,
    templateIdOrName: string,
    profileId: string,
  ): Promise<Result<{ channel: ChannelKind; kind: Template['kind']; to: string }>> {
    const addressed = await this.#addressed(workspaceId, templateIdOrName, profileId);
    if (!addressed.ok) return addressed;
    const { template, to } = addressed.value;
    return ok({ channel: template.channel, kind: template.kind, to });
  }

  async #addressed(
    workspaceId: string,
    templateIdOrName: string,
    profileId: string,
  ): Promise<Result<{ template: Template; recipient: Recipient; to: string }>> {
    const template = await this.#d.templates.get(workspaceId, templateIdOrName);
    if (!template.ok) return template;
    const profile = await this.#d.profiles.get(workspaceId, profileId);
    if (!profile.ok) return profile;
    const recipient = recipientOf(profile.value);
    const channel = template.value.channel;
    const address = addressFor(recipient, channel);
    if (address === null) return fail('validation_failed', `the profile has no ${channel} address`);
    const checked = checkAddress(channel, address);
    if (!checked.ok) return checked;
    return ok({ template: template.value, recipient, to: checked.value });
  }

  /**
   * A message for a profile, rendered but not queued: what a journey's send step puts in the
   * outbox inside its own transaction. Failures are reasons a trace can show (no address).
   */
  async compose(
    workspaceId: string,
    templateIdOrName: string,
    profileId: string,
    options: {
      id: string;
      dedupeKey: string;
      data: Record<string, unknown>;
      /** The triggering event's properties: `event.*` in the template. */
      event?: Record<string, unknown> | undefined;
      sendAt: number;
    },
  ): Promise<Result<NewMessage>> {
    const addressed = await this.#addressed(workspaceId, templateIdOrName, profileId);
    if (!addressed.ok) return addressed;
    const { template, recipient, to } = addressed.value;
    const channel = template.channel;
    const context = await this.#contextFor(workspaceId, template, recipient, options.data);
    if (options.event !== undefined) context.event = options.event;
    const rendered = await this.#d.templates.render(template, context);
    if (!rendered.ok) return rendered;
    const html =
      rendered.value.html === null
        ? null
        : trackLinks(
            rendered.value.html,
            { workspaceId, profileId, messageId: options.id, campaign: template.name },
            this.#d.links,
          );
    return ok({
      id: options.id,
      workspaceId,
      profileId,
      channel,
      kind: template.kind,
      templateId: template.id,
      templateVersion: template.version,
      language: rendered.value.language,
      dedupeKey: options.dedupeKey,
      to: to,
      subject: rendered.value.subject,
      html,
      text: rendered.value.text,
      extra: channelParts(template, rendered.value),
      sendAt: options.sendAt,
    });
  }

  /**
   * Double opt-in for email: the consent becomes `pending` (with the source and proof of the
   * request) and a confirmation email with a signed link goes out; following the link records
   * `subscribed` (source `double-opt-in`). Until then no marketing email is sent.
   */
  async requestDoubleOptIn(
    workspaceId: string,
    profileId: string,
    request: { source: string; proof?: Record<string, string> },
  ): Promise<Result<{ messageId: string; status: 'pending' }>> {
    const profile = await this.#d.profiles.get(workspaceId, profileId);
    if (!profile.ok) return profile;
    const recipient = recipientOf(profile.value);
    if (recipient.email === null)
      return fail('validation_failed', 'the profile has no email address to confirm', [
        { field: 'params.id', message: 'no email address' },
      ]);
    const checked = checkAddress('email', recipient.email);
    if (!checked.ok) return checked;
    const now = this.#d.clock.now();
    await this.#d.consent.update(
      workspaceId,
      recipient.profileId,
      {
        channel: 'email',
        status: 'pending',
        source: request.source,
        ...(request.proof ? { proof: request.proof } : {}),
      },
      now,
    );
    const template = doubleOptInTemplate;
    const language = recipient.language ?? template.defaultLanguage;
    const confirmUrl = this.#d.links.url('confirm', {
      w: workspaceId,
      p: recipient.profileId,
      c: 'email',
      l: language,
    });
    const context = await this.#contextFor(workspaceId, template, recipient, {
      confirm_url: confirmUrl,
    });
    const rendered = await this.#d.templates.render(template, context);
    if (!rendered.ok) return rendered;
    const queued = await this.#d.outbox.enqueue(
      {
        workspaceId,
        profileId: recipient.profileId,
        channel: 'email',
        kind: 'transactional',
        templateId: null,
        templateVersion: null,
        language: rendered.value.language,
        dedupeKey: `double-opt-in:${recipient.profileId}:${now}`,
        to: checked.value,
        subject: rendered.value.subject,
        html: rendered.value.html,
        text: rendered.value.text,
      },
      now,
    );
    if (queued.created) this.#d.onQueued();
    return ok({ messageId: queued.id, status: 'pending' });
  }

  async #contextFor(
    workspaceId: string,
    template: Pick<Template, 'channel' | 'kind' | 'defaultLanguage'>,
    recipient: Recipient,
    data: Record<string, unknown> | undefined,
  ): Promise<RenderContext> {
    const sender = await this.#d.senderSettings.get(workspaceId);
    // Once per read scope: a journey pass renders many messages of one workspace.
    const workspace = await scoped(`workspace-currency\u0000${workspaceId}`, () =>
      this.#d.database.db
        .selectFrom('workspaces')
        .select('currency')
        .where('id', '=', workspaceId)
        .executeTakeFirst(),
    );
    const consentChannel = consentChannelOf(template.channel);
    const language = recipient.language ?? template.defaultLanguage;
    const payload = { w: workspaceId, p: recipient.profileId, l: language };
    const person = recipient.profileId !== 'sample' && !recipient.profileId.startsWith('to:');
    return {
      workspaceId,
      profile: recipient.variables,
      ...(data !== undefined ? { data } : {}),
      links: {
        unsubscribe:
          consentChannel && person && template.kind === 'marketing'
            ? this.#d.links.url('unsubscribe', { ...payload, c: consentChannel })
            : null,
        preferences: person ? this.#d.links.url('preferences', payload) : null,
      },
      store: {
        name: sender.storeName,
        address: sender.address,
        currency: workspace?.currency ?? 'USD',
        url: sender.url,
      },
      now: this.#d.clock.now(),
    };
  }
}

/** What a channel adapter needs besides subject and text (OutgoingMessage.extra). */
export function channelParts(
  template: Template,
  rendered: RenderedMessage,
): Record<string, unknown> {
  return {
    ...(rendered.url ? { url: rendered.url } : {}),
    ...(rendered.whatsapp ? { whatsapp: rendered.whatsapp } : {}),
    ...(template.webhookUrl !== undefined ? { webhookUrl: template.webhookUrl } : {}),
  };
}

/** The consent a channel's marketing needs, if any (inbox and webhook need none). */
export function consentChannelOf(
  channel: ChannelKind,
): 'email' | 'sms' | 'whatsapp' | 'push' | null {
  return channel === 'email' || channel === 'sms' || channel === 'whatsapp' || channel === 'push'
    ? channel
    : null;
}
