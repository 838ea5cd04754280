import {
  qualityFindingCodes,
  recommendationReasonCodes,
  type QualityFindingCode,
  type RecommendationItem,
  type RecommendationReasonCode,
} from '@comeback/contracts';
import { useFormat, useT } from '../../i18n/i18n';
import { insightStrings } from './insight-strings';

/**
 * The server's reasons worded in the reader's language: a fit's findings (why it is weak, why
 * the rules were used) and a recommendation's reason, from their codes and numbers. The API
 * also sends them as English sentences; those are shown only for a code this dashboard does
 * not know yet (a newer server).
 */

interface Finding {
  code: string;
  params: Record<string, number>;
}

const isFindingCode = (code: string): code is QualityFindingCode =>
  qualityFindingCodes.some((c) => c === code);
const isReasonCode = (code: string): code is RecommendationReasonCode =>
  recommendationReasonCodes.some((c) => c === code);

/** Unicode isolates: a product or category name keeps its own direction inside a sentence. */
const isolate = (text: string) => `\u2068${text}\u2069`;

/** Figures in the reader's locale; a parameter run off to a bound (1e-9, 3e7) as an exponent. */
function useFigure() {
  const format = useFormat();
  return (v: number | undefined) => {
    if (v === undefined || !Number.isFinite(v)) return '—';
    const size = Math.abs(v);
    if (size !== 0 && (size < 0.001 || size >= 1e6)) return v.toExponential(2);
    return format.number(Number(v.toPrecision(size >= 100 ? 6 : 3)));
  };
}

/** One finding as a phrase; null for a code this dashboard does not know. */
export function useFindingText() {
  const t = useT(insightStrings);
  const figure = useFigure();
  return (finding: Finding): string | null => {
    if (!isFindingCode(finding.code)) return null;
    const vars = Object.fromEntries(
      Object.entries(finding.params).map(([name, value]) => [name, figure(value)]),
    );
    return t(`finding_${finding.code}`, vars);
  };
}

/**
 * The findings joined into one "Why: ...". `fallback` (the server's English sentence) only when
 * a finding's code is unknown, or there is no finding but there is a sentence.
 */
export function FindingsText(props: { findings: readonly Finding[]; fallback: string | null }) {
  const t = useT(insightStrings);
  const text = useFindingText();
  const phrases = props.findings.map(text);
  const known = phrases.every((p): p is string => p !== null);
  if (known && phrases.length > 0) return <>{t('findingsWhy', { findings: phrases.join('; ') })}</>;
  return props.fallback ? <bdi>{props.fallback}</bdi> : null;
}

/** A recommendation's reason in the reader's language (the API's English one for an unknown code). */
export function useReasonText() {
  const t = useT(insightStrings);
  const format = useFormat();
  return (item: Pick<RecommendationItem, 'reason' | 'reasonCode' | 'reasonParams'>): string => {
    const code: string = item.reasonCode;
    if (!isReasonCode(code)) return item.reason;
    const p = item.reasonParams;
    const text = (name: string) => isolate(String(p[name] ?? ''));
    const count = (name: string) => {
      const v = p[name];
      return typeof v === 'number' ? v : Number(v);
    };
    switch (code) {
      case 'often_bought_with':
      case 'also_bought':
        return t(`reason_${code}`, { product: text('product') });
      case 'popular_in_category':
      case 'goes_with_category':
        return t(`reason_${code}`, { category: text('category') });
      case 'viewed': {
        const days = count('days');
        if (days === 0) return t('reason_viewed_today');
        return days === 1
          ? t('reason_viewed_one')
          : t('reason_viewed', { days: format.number(days) });
      }
      case 'running_low': {
        const days = count('days');
        const due =
          days === 0
            ? t('dueToday')
            : days > 0
              ? t('dueIn', { days: format.number(days) })
              : t('overdueBy', { days: format.number(-days) });
        return t('reason_running_low', { due });
      }
      case 'bought_before': {
        const times = count('times');
        return times === 1
          ? t('reason_bought_once')
          : t('reason_bought_before', { times: format.number(times) });
      }
      case 'popular_now':
        return t('reason_popular_now');
    }
  };
}
