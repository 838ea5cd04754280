import { IANAZone } from 'luxon';
import { isRecord } from './json.js';

/**
 * Which time zone a profile lives in, resolved one way everywhere (journeys' local send times
 * and quiet hours, segments' dates in the profile's zone): its own `timezone` / `time_zone` /
 * `timeZone` trait when that names a valid IANA zone, else the main zone of its `country` (or
 * `address.country`) trait, else the workspace's zone (its sending rules), else UTC.
 */

export function isValidZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone === '') return false;
  // Luxon's check builds and formats an Intl.DateTimeFormat each time: remembered, since every
  // wait, quiet hour and send asks it (bounded: zone names come from profiles' traits).
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    if (zoneValidity.size < 1000) zoneValidity.set(zone, valid);
  }
  return valid;
}
const zoneValidity = new Map<string, boolean>();

// [ISO 3166-1 alpha-2, main zone, common English names]. One zone per country: the one most
// of its people live in (US: New York, CA: Toronto, AU: Sydney, RU: Moscow, BR: Sao Paulo).
const COUNTRY_ROWS: readonly (readonly [string, string, ...string[]])[] = [
  // European Union
  ['AT', 'Europe/Vienna', 'Austria'],
  ['BE', 'Europe/Brussels', 'Belgium'],
  ['BG', 'Europe/Sofia', 'Bulgaria'],
  ['HR', 'Europe/Zagreb', 'Croatia'],
  ['CY', 'Asia/Nicosia', 'Cyprus'],
  ['CZ', 'Europe/Prague', 'Czechia', 'Czech Republic'],
  ['DK', 'Europe/Copenhagen', 'Denmark'],
  ['EE', 'Europe/Tallinn', 'Estonia'],
  ['FI', 'Europe/Helsinki', 'Finland'],
  ['FR', 'Europe/Paris', 'France'],
  ['DE', 'Europe/Berlin', 'Germany'],
  ['GR', 'Europe/Athens', 'Greece'],
  ['HU', 'Europe/Budapest', 'Hungary'],
  ['IE', 'Europe/Dublin', 'Ireland'],
  ['IT', 'Europe/Rome', 'Italy'],
  ['LV', 'Europe/Riga', 'Latvia'],
  ['LT', 'Europe/Vilnius', 'Lithuania'],
  ['LU', 'Europe/Luxembourg', 'Luxembourg'],
  ['MT', 'Europe/Malta', 'Malta'],
  ['NL', 'Europe/Amsterdam', 'Netherlands', 'Holland'],
  ['PL', 'Europe/Warsaw', 'Poland'],
  ['PT', 'Europe/Lisbon', 'Portugal'],
  ['RO', 'Europe/Bucharest', 'Romania'],
  ['SK', 'Europe/Bratislava', 'Slovakia'],
  ['SI', 'Europe/Ljubljana', 'Slovenia'],
  ['ES', 'Europe/Madrid', 'Spain'],
  ['SE', 'Europe/Stockholm', 'Sweden'],
  // Rest of Europe
  ['GB', 'Europe/London', 'United Kingdom', 'UK', 'Great Britain', 'Britain', 'England'],
  ['RS', 'Europe/Belgrade', 'Serbia'],
  ['BA', 'Europe/Sarajevo', 'Bosnia and Herzegovina', 'Bosnia'],
  ['ME', 'Europe/Podgorica', 'Montenegro'],
  ['MK', 'Europe/Skopje', 'North Macedonia', 'Macedonia'],
  ['AL', 'Europe/Tirane', 'Albania'],
  ['CH', 'Europe/Zurich', 'Switzerland'],
  ['NO', 'Europe/Oslo', 'Norway'],
  ['IS', 'Atlantic/Reykjavik', 'Iceland'],
  ['UA', 'Europe/Kyiv', 'Ukraine'],
  ['MD', 'Europe/Chisinau', 'Moldova'],
  ['RU', 'Europe/Moscow', 'Russia', 'Russian Federation'],
  ['TR', 'Europe/Istanbul', 'Turkey', 'Turkiye'],
  // Middle East and Africa
  ['IL', 'Asia/Jerusalem', 'Israel'],
  ['AE', 'Asia/Dubai', 'United Arab Emirates', 'UAE'],
  ['SA', 'Asia/Riyadh', 'Saudi Arabia'],
  ['QA', 'Asia/Qatar', 'Qatar'],
  ['JO', 'Asia/Amman', 'Jordan'],
  ['EG', 'Africa/Cairo', 'Egypt'],
  ['MA', 'Africa/Casablanca', 'Morocco'],
  ['ZA', 'Africa/Johannesburg', 'South Africa'],
  ['NG', 'Africa/Lagos', 'Nigeria'],
  ['KE', 'Africa/Nairobi', 'Kenya'],
  // Americas
  ['US', 'America/New_York', 'United States', 'United States of America', 'USA', 'America'],
  ['CA', 'America/Toronto', 'Canada'],
  ['MX', 'America/Mexico_City', 'Mexico'],
  ['BR', 'America/Sao_Paulo', 'Brazil'],
  ['AR', 'America/Argentina/Buenos_Aires', 'Argentina'],
  ['CL', 'America/Santiago', 'Chile'],
  ['CO', 'America/Bogota', 'Colombia'],
  ['PE', 'America/Lima', 'Peru'],
  // Asia and Oceania
  ['IN', 'Asia/Kolkata', 'India'],
  ['PK', 'Asia/Karachi', 'Pakistan'],
  ['CN', 'Asia/Shanghai', 'China'],
  ['HK', 'Asia/Hong_Kong', 'Hong Kong'],
  ['TW', 'Asia/Taipei', 'Taiwan'],
  ['JP', 'Asia/Tokyo', 'Japan'],
  ['KR', 'Asia/Seoul', 'South Korea', 'Korea', 'Republic of Korea'],
  ['SG', 'Asia/Singapore', 'Singapore'],
  ['MY', 'Asia/Kuala_Lumpur', 'Malaysia'],
  ['TH', 'Asia/Bangkok', 'Thailand'],
  ['VN', 'Asia/Ho_Chi_Minh', 'Vietnam', 'Viet Nam'],
  ['PH', 'Asia/Manila', 'Philippines'],
  ['ID', 'Asia/Jakarta', 'Indonesia'],
  ['AU', 'Australia/Sydney', 'Australia'],
  ['NZ', 'Pacific/Auckland', 'New Zealand'],
];

/** Lower-case code or normalised name -> zone. A Map, so "__proto__" or "constructor" miss. */
const COUNTRY_ZONES: ReadonlyMap<string, string> = new Map(
  COUNTRY_ROWS.flatMap(([code, zone, ...names]) => [
    [code.toLowerCase(), zone] as const,
    ...names.map((name) => [normaliseCountry(name), zone] as const),
  ]),
);

/** Case, accents, spacing and a leading "the" do not matter: "the  Türkiye" finds TR. */
function normaliseCountry(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/^the /, '');
}

export function zoneForCountry(country: string): string | null {
  if (typeof country !== 'string') return null;
  return COUNTRY_ZONES.get(normaliseCountry(country)) ?? null;
}

export type ZoneSource = 'profile' | 'country' | 'workspace';

/** The profile's own valid zone, else its country's zone, else the workspace default. */
export function profileZone(
  input: { timezone?: unknown; country?: unknown },
  workspaceDefault: string,
): { zone: string; source: ZoneSource } {
  const own = typeof input.timezone === 'string' ? input.timezone.trim() : '';
  if (isValidZone(own)) return { zone: own, source: 'profile' };
  const byCountry = typeof input.country === 'string' ? zoneForCountry(input.country) : null;
  if (byCountry !== null) return { zone: byCountry, source: 'country' };
  return { zone: workspaceDefault, source: 'workspace' };
}

/**
 * What a profile's traits say of its zone (journeys and segments read the same traits): the
 * first of `timezone`, `time_zone`, `timeZone` that is set, and `country`, else
 * `address.country`.
 */
export function zoneTraits(traits: Record<string, unknown>): {
  timezone: unknown;
  country: unknown;
} {
  const own = (from: Record<string, unknown>, key: string): unknown =>
    Object.hasOwn(from, key) ? from[key] : undefined;
  const address = own(traits, 'address');
  return {
    timezone: own(traits, 'timezone') ?? own(traits, 'time_zone') ?? own(traits, 'timeZone'),
    country: own(traits, 'country') ?? (isRecord(address) ? own(address, 'country') : undefined),
  };
}

/**
 * The zone the profile's own traits give (its zone, else its country's), or null when they give
 * none and the workspace's zone applies. Stored with each profile (`profiles.time_zone`) so
 * that SQL can read it.
 */
export function ownZoneOf(traits: Record<string, unknown>): string | null {
  const found = profileZone(zoneTraits(traits), '');
  return found.source === 'workspace' ? null : found.zone;
}

/** The workspace's zone: its sending rules' zone when valid, else UTC. */
export function workspaceZoneOr(zone: unknown): string {
  return typeof zone === 'string' && isValidZone(zone) ? zone : 'UTC';
}

/** The profile's zone: its own, else the workspace's (already checked by workspaceZoneOr). */
export function profileZoneOf(traits: Record<string, unknown>, workspaceZone: string): string {
  return profileZone(zoneTraits(traits), workspaceZone).zone;
}

/**
 * The settings row whose JSON `timezone` is a workspace's zone: its journeys' sending rules
 * (`PUT /journey-settings`), read by journeys and, from SQL, by segments.
 */
export const workspaceZoneSettingKey = (workspaceId: string): string => `journeys:${workspaceId}`;
