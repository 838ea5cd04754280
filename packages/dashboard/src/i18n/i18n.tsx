import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';

/**
 * The dashboard speaks English and Hebrew. Each page keeps its own strings next to it
 * (`defineStrings`), with the Hebrew set required to have exactly the English keys, so a
 * missing translation is a type error, not a blank label.
 */
export type Locale = 'en' | 'he';
export const LOCALES: readonly Locale[] = ['en', 'he'];
export const directionOf = (locale: Locale): 'ltr' | 'rtl' => (locale === 'he' ? 'rtl' : 'ltr');

export type Strings<K extends string> = { en: Record<K, string>; he: Record<K, string> };
export function defineStrings<K extends string>(strings: Strings<K>): Strings<K> {
  return strings;
}

interface LocaleState {
  locale: Locale;
  setLocale(locale: Locale): void;
}
const LocaleContext = createContext<LocaleState>({ locale: 'en', setLocale: () => undefined });

export function LocaleProvider(props: LocaleState & { children: ReactNode }) {
  const value = useMemo(
    () => ({ locale: props.locale, setLocale: props.setLocale }),
    [props.locale, props.setLocale],
  );
  return <LocaleContext.Provider value={value}>{props.children}</LocaleContext.Provider>;
}

export function useLocale(): LocaleState {
  return useContext(LocaleContext);
}

/** `t('key', { name: 'Dana' })` replaces `{name}` in the string. */
export function useT<K extends string>(strings: Strings<K>) {
  const { locale } = useLocale();
  return useCallback(
    (key: K, vars?: Record<string, string | number>) => {
      const text = strings[locale][key] ?? strings.en[key] ?? key;
      if (!vars) return text;
      return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
        name in vars ? String(vars[name]) : whole,
      );
    },
    [strings, locale],
  );
}

const intlLocale = (locale: Locale) => (locale === 'he' ? 'he-IL' : 'en-GB');

/** Dates, numbers and money in the user's language (Intl). */
export function useFormat() {
  const { locale } = useLocale();
  return useMemo(() => {
    const tag = intlLocale(locale);
    const dateTime = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' });
    const date = new Intl.DateTimeFormat(tag, { dateStyle: 'medium' });
    const number = new Intl.NumberFormat(tag);
    const percent = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 1 });
    const toDate = (v: string | number | Date) => (v instanceof Date ? v : new Date(v));
    return {
      dateTime: (v: string | number | Date | null | undefined) =>
        v === null || v === undefined ? '—' : dateTime.format(toDate(v)),
      date: (v: string | number | Date | null | undefined) =>
        v === null || v === undefined ? '—' : date.format(toDate(v)),
      number: (v: number | null | undefined) =>
        v === null || v === undefined ? '—' : number.format(v),
      percent: (v: number | null | undefined) =>
        v === null || v === undefined ? '—' : percent.format(v),
      money: (v: number | null | undefined, currency = 'EUR') =>
        v === null || v === undefined
          ? '—'
          : new Intl.NumberFormat(tag, { style: 'currency', currency }).format(v),
    };
  }, [locale]);
}
