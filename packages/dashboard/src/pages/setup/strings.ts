import { defineStrings } from '../../i18n/i18n';

export const setupStrings = defineStrings({
  en: {
    title: 'Store set-up',
    description: 'Connect your shop, import history from files, and pull files from SFTP.',
    connectors: 'Connectors',
    imports: 'Imports',
    sftp: 'SFTP sources',
    readOnly: 'You can look around; only editors and owners can change the set-up.',
  },
  he: {
    title: 'הגדרת החנות',
    description: 'חיבור החנות, ייבוא היסטוריה מקבצים ומשיכת קבצים משרת SFTP.',
    connectors: 'מחברים',
    imports: 'ייבוא',
    sftp: 'מקורות SFTP',
    readOnly: 'אפשר לעיין; רק עורכים ובעלים יכולים לשנות את ההגדרות.',
  },
});
