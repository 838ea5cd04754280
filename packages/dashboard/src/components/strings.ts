import { defineStrings } from '../i18n/i18n';

/** The words the shared components say, whichever page they stand on. */
export const commonStrings = defineStrings({
  en: {
    cancel: 'Cancel',
    copy: 'Copy',
    copied: 'Copied',
    copyLabel: 'Copy {label}',
    loadMore: 'Load more',
    showingLatest: 'Showing the latest {count}',
    showOlder: 'Show older',
    save: 'Save',
    saved: 'Saved.',
  },
  he: {
    cancel: 'ביטול',
    copy: 'העתקה',
    copied: 'הועתק',
    copyLabel: 'העתקת {label}',
    loadMore: 'טעינת עוד',
    showingLatest: 'מוצגים {count} האחרונים',
    showOlder: 'הצגת ישנים יותר',
    save: 'שמירה',
    saved: 'נשמר.',
  },
});
