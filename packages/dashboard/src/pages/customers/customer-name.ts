import type { Profile } from '@comeback/contracts';

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

/** The name a store gave the person: `name`, else first and last name; null when none. */
export function customerName(profile: Pick<Profile, 'traits'>): string | null {
  const name = text(profile.traits.name);
  if (name) return name;
  const full = [text(profile.traits.first_name), text(profile.traits.last_name)]
    .filter((part) => part !== null)
    .join(' ');
  return full === '' ? null : full;
}

export function identifierOf(
  profile: Pick<Profile, 'identifiers'>,
  kind: Profile['identifiers'][number]['kind'],
): string | null {
  return profile.identifiers.find((i) => i.kind === kind)?.value ?? null;
}

/** What to call the person on screen: name, else email, else phone, else the profile id. */
export function customerLabel(profile: Pick<Profile, 'id' | 'traits' | 'identifiers'>): string {
  return (
    customerName(profile) ??
    identifierOf(profile, 'email') ??
    identifierOf(profile, 'phone') ??
    profile.id
  );
}

/** Values of unknown shape (traits, event payloads) as one line of JSON, cut at `max`. */
export function compactJson(value: unknown, max = 200): string {
  const json = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return json.length > max ? `${json.slice(0, max - 1)}…` : json;
}
