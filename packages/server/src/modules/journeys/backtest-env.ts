import type {
  ChannelKind,
  JourneySettings,
  Profile,
  SegmentCondition,
  Template,
} from '@comeback/contracts';
import type { Result } from '../../platform/errors.js';
import {
  addressFor,
  checkAddress,
  recipientOf,
  type ConsentService,
  type MessagingService,
  type NewMessage,
  type TemplateService,
} from '../messaging/index.js';
import type { ProfileQueries } from '../profiles/index.js';
import type { AddressedMessage, ComposedMessage, StepEnv } from './engine-types.js';
import type { JourneySettingsStore } from './journey-settings.js';
import { profileZoneOf, workspaceZoneOr } from '../../platform/time-zones.js';
import { composeThrough } from './live-env.js';

/** What a backtest reads (and only reads) of the real world. */
export interface BacktestSources {
  settings: JourneySettingsStore;
  messaging: MessagingService;
  consent: ConsentService;
  templates: TemplateService;
  profiles: ProfileQueries;
  conditionHolds(
    workspaceId: string,
    profileId: string,
    condition: SegmentCondition,
    at: number,
  ): Promise<boolean>;
}

/** An event the replay has seen, as a split by action reads it. */
export interface SeenEvent {
  messageId: string;
  at: number;
  properties: Record<string, unknown>;
}

type Gate = { ok: true } | { ok: false; reason: string };

/** Events a split-by-action reads at most, as live (the first match decides). */
const MAX_ACTION_EVENTS = 500;
/** The address as the outbox would store it, or why there is none (MessagingService's check). */
function checkedAddress(channel: ChannelKind, raw: string): { to: string } | { reason: string } {
  const checked = checkAddress(channel, raw);
  return checked.ok ? { to: checked.value } : { reason: checked.error.message };
}

/**
 * The steps' world during a backtest (ADR 0021: the same steps run live and here). Settings,
 * time zones, profiles, templates, consent and conditions are read from the real stores, read
 * only, as they are today; the events a split by action looks at and the messages the
 * frequency budget counts are the replay's own, kept in memory. Nothing is ever written.
 */
export class BacktestEnv implements StepEnv {
  /**
   * Whether a message composed now is rendered in full (set by the replay before each pass).
   * Rendering costs milliseconds; the others are checked for template and address only.
   */
  renderInFull = false;
  readonly #d: BacktestSources;
  readonly #seen = new Map<string, SeenEvent[]>();
  readonly #sent = new Map<string, number[]>();
  readonly #settings = new Map<string, Promise<JourneySettings>>();
  readonly #profiles = new Map<string, Promise<Result<Profile>>>();
  readonly #zones = new Map<string, Promise<string>>();
  readonly #templates = new Map<string, Promise<Result<Template>>>();
  readonly #gates = new Map<string, Promise<Gate>>();

  constructor(sources: BacktestSources) {
    this.#d = sources;
  }

  /** An event the replay reached: later splits by action may see it. */
  recordEvent(profileId: string, event: string, seen: SeenEvent): void {
    const key = `${profileId}\u0000${event}`;
    const list = this.#seen.get(key);
    if (list) list.push(seen);
    else this.#seen.set(key, [seen]);
  }

  /** A marketing message the replay would have queued: the budget counts it from `at`. */
  recordSent(profileId: string, channel: ChannelKind, at: number): void {
    const key = `${profileId}\u0000${channel}`;
    const list = this.#sent.get(key);
    if (list) list.push(at);
    else this.#sent.set(key, [at]);
  }

  settings(workspaceId: string): Promise<JourneySettings> {
    return cached(this.#settings, workspaceId, () => this.#d.settings.get(workspaceId));
  }

  /** As live-env's zoneOf: the profile's own zone, its country's, or the workspace's. */
  zoneOf(workspaceId: string, profileId: string): Promise<string> {
    // Asked at every wait and send; zone checks are slow in Luxon, and the answer is fixed.
    return cached(this.#zones, `${workspaceId}\u0000${profileId}`, async () => {
      const settings = await this.settings(workspaceId);
      const profile = await this.#profile(workspaceId, profileId);
      const traits = profile.ok ? profile.value.traits : {};
      return profileZoneOf(traits, workspaceZoneOr(settings.timezone));
    });
  }

  conditionHolds(
    workspaceId: string,
    profileId: string,
    condition: SegmentCondition,
    at: number,
  ): Promise<boolean> {
    return this.#d.conditionHolds(workspaceId, profileId, condition, at);
  }

  eventsSince(
    _workspaceId: string,
    profileId: string,
    event: string,
    since: number,
  ): Promise<SeenEvent[]> {
    const list = this.#seen.get(`${profileId}\u0000${event}`) ?? [];
    return Promise.resolve(list.filter((e) => e.at >= since).slice(0, MAX_ACTION_EVENTS));
  }

  /** MessagingService.compose's checks in its order, without the rendering. */
  async addressOf(input: Parameters<StepEnv['addressOf']>[0]): Promise<AddressedMessage> {
    const template = await this.#template(input.workspaceId, input.template);
    if (!template.ok) return { ok: false, reason: template.error.message };
    const profile = await this.#profile(input.workspaceId, input.profileId);
    if (!profile.ok) return { ok: false, reason: profile.error.message };
    const t = template.value;
    const address = addressFor(recipientOf(profile.value), t.channel);
    if (address === null) return { ok: false, reason: `the profile has no ${t.channel} address` };
    const checked = checkedAddress(t.channel, address);
    if ('reason' in checked) return { ok: false, reason: checked.reason };
    return {
      ok: true,
      workspaceId: input.workspaceId,
      profileId: input.profileId,
      channel: t.channel,
      kind: t.kind,
      to: checked.to,
      marketing: t.kind === 'marketing',
    };
  }

  async compose(input: Parameters<StepEnv['compose']>[0]): Promise<ComposedMessage> {
    if (this.renderInFull) {
      return composeThrough(this.#d.messaging, input);
    }
    const addressed = await this.addressOf(input);
    if (!addressed.ok) return addressed;
    const template = await this.#template(input.workspaceId, input.template);
    if (!template.ok) return { ok: false, reason: template.error.message };
    const message: NewMessage = {
      id: input.messageId,
      workspaceId: input.workspaceId,
      profileId: input.profileId,
      channel: addressed.channel,
      kind: addressed.kind,
      templateId: template.value.id,
      templateVersion: template.value.version,
      language: null,
      dedupeKey: input.dedupeKey,
      to: addressed.to,
      subject: null,
      html: null,
      text: '',
      sendAt: input.sendAt,
    };
    return { ok: true, message, channel: addressed.channel, marketing: addressed.marketing };
  }

  #template(workspaceId: string, name: string): Promise<Result<Template>> {
    return cached(this.#templates, `${workspaceId}\u0000${name}`, () =>
      this.#d.templates.get(workspaceId, name),
    );
  }

  /** Today's consent and suppressions: they do not change during a replay, so asked once. */
  mayReceive(
    m: Pick<NewMessage, 'workspaceId' | 'profileId' | 'channel' | 'kind' | 'to'>,
  ): Promise<Gate> {
    const key = [m.workspaceId, m.profileId ?? '', m.channel, m.kind, m.to].join('\u0000');
    return cached(this.#gates, key, () =>
      this.#d.consent.mayReceive({
        workspaceId: m.workspaceId,
        profileId: m.profileId,
        channel: m.channel,
        kind: m.kind,
        to: m.to,
      }),
    );
  }

  /** The replay's own messages only: what the real outbox holds is another world's. */
  budgetHistory(
    _workspaceId: string,
    profileId: string,
    channel: ChannelKind,
    since: number,
  ): Promise<number[]> {
    const list = this.#sent.get(`${profileId}\u0000${channel}`) ?? [];
    return Promise.resolve(list.filter((at) => at >= since));
  }

  #profile(workspaceId: string, profileId: string): Promise<Result<Profile>> {
    return cached(this.#profiles, `${workspaceId}\u0000${profileId}`, () =>
      this.#d.profiles.get(workspaceId, profileId),
    );
  }
}

/** Entries a cache keeps: a year of a big store's profiles must not all stay in memory. */
const MAX_CACHED = 20_000;

/** One lookup per key (the answer cannot change while the replay runs), up to MAX_CACHED. */
function cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  const known = map.get(key);
  if (known) return known;
  if (map.size >= MAX_CACHED) map.clear();
  const loading = load();
  map.set(key, loading);
  return loading;
}
