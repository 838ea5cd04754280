import type { ChannelKind, Profile } from '@comeback/contracts';
import { fail, ok, type Result } from '../../platform/errors.js';

/**
 * Who a message goes to, read from a profile: the address for the channel, the language and
 * time zone it is written in, and the variables templates see as `profile.*`.
 */
export interface Recipient {
  profileId: string;
  email: string | null;
  phone: string | null;
  language: string | null;
  timezone: string | null;
  variables: {
    id: string;
    email: string | null;
    phone: string | null;
    first_name: string | null;
    last_name: string | null;
    language: string | null;
    timezone: string | null;
    traits: Record<string, unknown>;
    computed: Record<string, unknown>;
    predictions: Record<string, unknown> | null;
  };
}

const text = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : null;

/** The first of several trait spellings stores use (`first_name`, `firstName`). */
const trait = (traits: Record<string, unknown>, ...names: string[]): string | null => {
  for (const name of names) {
    const v = Object.hasOwn(traits, name) ? text(traits[name]) : null;
    if (v !== null) return v;
  }
  return null;
};

/** `he-IL` and `he_IL` become `he-IL`; anything not shaped like a language tag is dropped. */
function languageOf(traits: Record<string, unknown>): string | null {
  const raw = trait(traits, 'language', 'locale', 'lang');
  if (raw === null) return null;
  const tag = raw.replace('_', '-');
  return /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/i.test(tag) ? tag.toLowerCase() : null;
}

/** Zones checked so far: building an Intl formatter per message to check one is costly. */
const knownZones = new Map<string, boolean>();

function timezoneOf(traits: Record<string, unknown>): string | null {
  const zone = trait(traits, 'timezone', 'time_zone', 'timeZone');
  if (zone === null) return null;
  let valid = knownZones.get(zone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      valid = true;
    } catch {
      valid = false; // not an IANA zone: dates render in UTC rather than failing the message
    }
    if (knownZones.size >= 1000) knownZones.clear();
    knownZones.set(zone, valid);
  }
  return valid ? zone : null;
}

export function recipientOf(profile: Profile): Recipient {
  const id = (kind: string) => profile.identifiers.find((i) => i.kind === kind)?.value ?? null;
  const traits = profile.traits;
  const email = id('email') ?? trait(traits, 'email');
  const phone = id('phone') ?? trait(traits, 'phone');
  const language = languageOf(traits);
  const timezone = timezoneOf(traits);
  const names = (trait(traits, 'name') ?? '').split(/\s+/).filter(Boolean);
  return {
    profileId: profile.id,
    email,
    phone,
    language,
    timezone,
    variables: {
      id: profile.id,
      email,
      phone,
      first_name: trait(traits, 'first_name', 'firstName') ?? names[0] ?? null,
      last_name:
        trait(traits, 'last_name', 'lastName') ??
        (names.length > 1 ? names.slice(1).join(' ') : null),
      language,
      timezone,
      traits,
      computed: profile.computed as Record<string, unknown>,
      predictions: (profile.predictions as Record<string, unknown> | null | undefined) ?? null,
    },
  };
}

/** The address a channel sends to, or null when the profile has none for it. */
export function addressFor(recipient: Recipient, channel: ChannelKind): string | null {
  switch (channel) {
    case 'email':
      return recipient.email;
    case 'sms':
    case 'whatsapp':
      return recipient.phone;
    case 'push':
    case 'inbox':
    case 'webhook':
      // Addressed to the profile itself (its subscriptions, its inbox, the subscriber's URL).
      return recipient.profileId;
  }
}

const EMAIL = /^[^\s@<>(),;:"[\]\\]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$/;
const PHONE = /^\+[1-9][0-9]{6,14}$/;

/** An address fit for the channel, normalised (email lower-cased; phone `+digits`). */
export function checkAddress(channel: ChannelKind, raw: string): Result<string> {
  const value = raw.trim();
  if (channel === 'email') {
    if (!EMAIL.test(value))
      return fail('validation_failed', 'not an email address', [
        { field: 'to', message: `${JSON.stringify(value.slice(0, 80))} is not an email address` },
      ]);
    return ok(value.toLowerCase());
  }
  if (channel === 'sms' || channel === 'whatsapp') {
    const phone = value.replace(/[\s().-]/g, '');
    if (!PHONE.test(phone))
      return fail('validation_failed', 'not a phone number in international form', [
        { field: 'to', message: 'must be a phone number such as +972501234567' },
      ]);
    return ok(phone);
  }
  return ok(value);
}

/** A recipient known only by an address (a transactional send without a profile). */
export function addressOnly(channel: ChannelKind, to: string): Recipient {
  const email = channel === 'email' ? to : null;
  const phone = channel === 'sms' || channel === 'whatsapp' ? to : null;
  return {
    profileId: `to:${to}`,
    email,
    phone,
    language: null,
    timezone: null,
    variables: {
      id: '',
      email,
      phone,
      first_name: null,
      last_name: null,
      language: null,
      timezone: null,
      traits: {},
      computed: {},
      predictions: null,
    },
  };
}
