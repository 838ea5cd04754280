/**
 * A fit's stage as stored (customer_value_fits.stage, recommendation_fits.stage): the code
 * (contracts fitStages) since the codes exist; fits recorded before then hold an English
 * label, read back as its code so old fits show in the reader's language too.
 */
import { fitStages, type FitStage } from '@comeback/contracts';

const LEGACY_LABELS: Readonly<Record<string, FitStage>> = {
  'checking for changes': 'checking_for_changes',
  'reading orders': 'reading_orders',
  'holdout check': 'holdout_check',
  'done (joined the fit under way)': 'joined',
  'skipped: nothing changed since the last fit': 'skipped_unchanged',
};

const isStage = (value: string): value is FitStage => fitStages.some((s) => s === value);

/** The stage's code; null when none was stored or the text is not one this server wrote. */
export function fitStageOf(stored: string | null): FitStage | null {
  if (stored === null) return null;
  return isStage(stored) ? stored : (LEGACY_LABELS[stored] ?? null);
}
