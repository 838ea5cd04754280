import { CATEGORY_SHARES, CONSUMABLE_CATEGORIES } from './demo-catalog.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, type DemoRandom } from './demo-random.js';

/** How a customer behaves over the period (see demo-behaviour.ts). */
export type Persona = 'browser' | 'one_time' | 'repeat' | 'replenisher' | 'lapser';
export type Language = 'he' | 'sr' | 'en';

/** A name as shown, and as it goes into an email address. */
type Name = readonly [shown: string, ascii: string];

const names = (pairs: string): Name[] =>
  pairs.split(',').map((pair) => {
    const [shown, ascii] = pair.split(':');
    return [shown ?? '', ascii ?? shown?.toLowerCase() ?? ''] as const;
  });

const FIRST_NAMES: Record<Language, Name[]> = {
  he: names(
    'נועה:noa,מאיה:maya,תמר:tamar,יעל:yael,שירה:shira,אביגיל:avigail,רוני:roni,מיכל:michal,' +
      'דנה:dana,שני:shani,עומר:omer,איתי:itay,יונתן:yonatan,דניאל:daniel,אורי:uri,נועם:noam,' +
      'אריאל:ariel,עידו:ido,אלון:alon,גיא:guy',
  ),
  sr: names(
    'Jovana,Milica,Ana,Jelena,Marija,Teodora,Katarina,Sofija,Ivana,Nikola,Marko,Stefan,Luka,' +
      'Đorđe:djordje,Miloš:milos,Nemanja,Aleksandar,Dušan:dusan,Petar,Vuk',
  ),
  en: names(
    'Emma,Olivia,Ava,Sophia,Mia,Charlotte,Amelia,Grace,Chloe,Ella,James,Liam,Noah,Oliver,' +
      'William,Henry,Jack,Ethan,Lucas,Daniel',
  ),
};
const LAST_NAMES: Record<Language, Name[]> = {
  he: names(
    'כהן:cohen,לוי:levi,מזרחי:mizrahi,פרץ:peretz,ביטון:biton,דהן:dahan,אברהם:avraham,' +
      'פרידמן:friedman,שפירא:shapira,אזולאי:azulay,גולן:golan,רוזנברג:rosenberg,בן דוד:ben-david,כץ:katz',
  ),
  sr: names(
    'Jovanović:jovanovic,Petrović:petrovic,Nikolić:nikolic,Marković:markovic,Đorđević:djordjevic,' +
      'Stojanović:stojanovic,Ilić:ilic,Stanković:stankovic,Pavlović:pavlovic,Milošević:milosevic,' +
      'Popović:popovic,Kovačević:kovacevic,Todorović:todorovic,Živković:zivkovic',
  ),
  en: names(
    'Smith,Johnson,Williams,Brown,Jones,Taylor,Davies,Miller,Wilson,Clark,Walker,Hall,Wright,Evans',
  ),
};

interface Place {
  timezone: string;
  country: string;
  /** Standard-time offset in hours: good enough to keep visits in local daytime. */
  offset: number;
  /** E.164 country and mobile prefix, and how many digits follow it. */
  phone: readonly [prefix: string, digits: number];
}

const place = (timezone: string, country: string, offset: number, prefix: string, digits: number) =>
  ({ timezone, country, offset, phone: [prefix, digits] }) as const;

const PLACES: Record<Language, readonly (readonly [Place, number])[]> = {
  he: [
    [place('Asia/Jerusalem', 'IL', 2, '+9725', 8), 0.9],
    [place('America/New_York', 'US', -5, '+1917', 7), 0.1],
  ],
  sr: [
    [place('Europe/Belgrade', 'RS', 1, '+3816', 8), 0.85],
    [place('Europe/Vienna', 'AT', 1, '+43664', 7), 0.08],
    [place('Europe/Berlin', 'DE', 1, '+4915', 9), 0.07],
  ],
  en: [
    [place('America/New_York', 'US', -5, '+1212', 7), 0.35],
    [place('America/Chicago', 'US', -6, '+1312', 7), 0.15],
    [place('America/Los_Angeles', 'US', -8, '+1415', 7), 0.15],
    [place('Europe/London', 'GB', 0, '+447', 9), 0.25],
    [place('Australia/Sydney', 'AU', 10, '+614', 8), 0.1],
  ],
};

export interface DemoCustomer {
  index: number;
  userId: string;
  anonymousId: string;
  language: Language;
  /** Hours from UTC, for local daytime visits. */
  offset: number;
  persona: Persona;
  /** The category most of their visits and orders are in. */
  favourite: string;
  /** The first identify: day 0 for customers the store already had, later for sign-ups. */
  arrivesAt: number;
  signsUp: boolean;
  /** After this nothing: lapsers stop 60+ days before the end (win-back, sunset). */
  activeUntil: number;
  traits: Record<string, unknown>;
  /** A later identify turning email marketing off, or null. */
  unsubscribesAt: number | null;
}

/** A time on `day` (from start) at a local hour in [fromHour, toHour), as epoch ms. */
export function localTime(
  start: number,
  day: number,
  offset: number,
  rng: DemoRandom,
  fromHour = 8,
  toHour = 22,
): number {
  const minute = rng.int(fromHour * 60, toHour * 60 - 1);
  return start + day * DAY_MS + minute * MINUTE_MS - offset * HOUR_MS;
}

const digits = (rng: DemoRandom, n: number) =>
  Array.from({ length: n }, (_, i) => (i === 0 ? rng.int(1, 9) : rng.int(0, 9))).join('');

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

const PERSONAS: readonly (readonly [Persona, number])[] = [
  ['browser', 0.28],
  ['one_time', 0.25],
  ['repeat', 0.15],
  ['replenisher', 0.15],
  ['lapser', 0.17],
];

/** Days a lapser must stay silent before the end, so win-back and sunset have members. */
const LAPSE_DAYS = 62;

export function buildCustomer(
  rng: DemoRandom,
  index: number,
  options: { start: number; days: number },
): DemoCustomer {
  const { start, days } = options;
  const end = start + days * DAY_MS;
  const language = rng.weighted<Language>([
    ['he', 0.4],
    ['sr', 0.3],
    ['en', 0.3],
  ]);
  const where = rng.weighted(PLACES[language]);
  const first = rng.pick(FIRST_NAMES[language]);
  const last = rng.pick(LAST_NAMES[language]);
  const hasFirst = rng.chance(0.9);
  const n = index + 1;
  // Customers already in the store on day 0, the rest sign up over the period.
  const signsUp = days > 1 && rng.chance(0.45);
  const arrivalDay = signsUp ? rng.int(1, days - 1) : 0;
  const arrivesAt = signsUp
    ? Math.max(start, localTime(start, arrivalDay, where.offset, rng))
    : start + rng.int(0, 3 * 60) * MINUTE_MS;

  let persona = rng.weighted(PERSONAS);
  const latestLapseStart = end - LAPSE_DAYS * DAY_MS;
  if (persona === 'lapser' && arrivesAt + 7 * DAY_MS > latestLapseStart) persona = 'one_time';
  const activeUntil =
    persona === 'lapser' ? Math.min(latestLapseStart, arrivesAt + rng.int(7, 35) * DAY_MS) : end;
  const favourite =
    persona === 'replenisher' ? rng.pick(CONSUMABLE_CATEGORIES) : rng.weighted(CATEGORY_SHARES);

  const traits: Record<string, unknown> = {
    email: `${hasFirst ? `${first[1]}.` : ''}${last[1]}.${n}@example.com`,
    ...(hasFirst ? { first_name: first[0] } : {}),
    last_name: last[0],
    language,
    timezone: where.timezone,
    country: where.country,
  };
  if (rng.chance(0.6)) {
    traits.phone = `${where.phone[0]}${digits(rng, where.phone[1])}`;
    traits.sms_marketing_consent = rng.chance(0.5) ? 'subscribed' : 'unsubscribed';
    if (rng.chance(0.5)) traits.whatsapp_consent = 'subscribed';
  }
  if (rng.chance(0.7)) {
    // Any day of the year, so some birthdays fall within the period.
    const year = rng.int(1960, 2004);
    const dayOfYear = rng.int(0, 364);
    traits.birthday = `${year}${isoDay(Date.UTC(2001, 0, 1) + dayOfYear * DAY_MS).slice(4)}`;
  }
  const subscribed = rng.chance(0.8);
  traits.email_marketing_consent = subscribed ? 'subscribed' : 'unsubscribed';
  if (!signsUp) traits.created_at = isoDay(start - rng.int(30, 900) * DAY_MS);

  const unsubscribeAfter = arrivesAt + 7 * DAY_MS;
  const unsubscribesAt =
    subscribed && rng.chance(0.03) && unsubscribeAfter < activeUntil
      ? rng.int(unsubscribeAfter, activeUntil - 1)
      : null;

  return {
    index,
    userId: `cust-${n}`,
    anonymousId: `anon-${n}`,
    language,
    offset: where.offset,
    persona,
    favourite,
    arrivesAt,
    signsUp,
    activeUntil,
    traits,
    unsubscribesAt,
  };
}
