/**
 * Intl formatters, built once per locale and options. Building one costs tens of microseconds
 * (locale data is resolved each time) and every rendered message builds several (prices,
 * dates, zone checks), while the formatters themselves are immutable and safe to share.
 * Intl throws on a tag, zone or currency it does not know: that answer (null) is kept too.
 */
const MAX_ENTRIES = 2_000;
const numberFormats = new Map<string, Intl.NumberFormat | null>();
const dateFormats = new Map<string, Intl.DateTimeFormat | null>();

function memo<T>(cache: Map<string, T | null>, key: string, make: () => T): T | null {
  const known = cache.get(key);
  if (known !== undefined) return known;
  let made: T | null;
  try {
    made = make();
  } catch {
    made = null;
  }
  // Keys hold profile data (zones, languages): bounded, and simply started over when full.
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, made);
  return made;
}

/** The number format for `locale` and `options`; null when Intl refuses them. */
export function numberFormatOf(
  locale: string,
  options: Intl.NumberFormatOptions,
): Intl.NumberFormat | null {
  return memo(numberFormats, `${locale}\u0000${JSON.stringify(options)}`, () => {
    return new Intl.NumberFormat(locale, options);
  });
}

/** The date format for `locale` and `options`; null when Intl refuses them. */
export function dateFormatOf(
  locale: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat | null {
  return memo(dateFormats, `${locale}\u0000${JSON.stringify(options)}`, () => {
    return new Intl.DateTimeFormat(locale, options);
  });
}

/** An IANA zone Intl knows. */
export function isKnownZone(zone: string): boolean {
  return dateFormatOf('en', { timeZone: zone }) !== null;
}
