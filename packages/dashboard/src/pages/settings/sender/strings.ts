import { defineStrings } from '../../../i18n/i18n';

/** Settings › Sender: how each channel sends (GET /api/v1/messaging/status). */
export const sendingStatusStrings = defineStrings({
  en: {
    intro:
      'How each channel sends now. The server’s accounts are set in its environment; an owner can give this store its own email, SMS and WhatsApp accounts under Provider accounts below.',
    envVars: 'Set in the server’s environment:',
    ownAccount: 'This store’s own account (Provider accounts below)',
    credentialsTitle: 'Credentials are write-only',
    credentialsText:
      'Passwords, tokens and keys are never shown back, here or by the API. The server’s are set in its environment: to change one, set the variable on the server and restart it. This store’s own accounts are replaced or removed under Provider accounts.',
    set: 'set',
    notSet: 'not set',
    on: 'On',
    off: 'Off',
    localOutbox: 'Local outbox',
    localOutboxText:
      'Messages are recorded in the outbox (see Messages) but not sent to anyone until a provider is configured.',
    // public URL
    publicUrl: 'Public URL',
    publicUrlSet: 'Stores, Twilio and Meta reach this server at {url}.',
    publicUrlMissingTitle: 'COMEBACK_PUBLIC_URL is not set',
    publicUrlMissing:
      'The URLs below use the address you opened the dashboard at ({url}). Links in messages (unsubscribe, tracked links) cannot reach this server and Twilio sends no delivery reports. Set COMEBACK_PUBLIC_URL to the address the internet reaches this server at.',
    // email
    email: 'Email',
    smtp: 'SMTP',
    server: 'Server',
    encryption: 'Encryption',
    tlsImplicit: 'TLS from the start (smtps)',
    tlsStartTls: 'STARTTLS when the server offers it',
    authentication: 'Sign-in',
    authSet: 'user and password set',
    authNone: 'none',
    from: 'From',
    oneClick: 'One-click unsubscribe',
    oneClickOn: 'on for marketing email (RFC 8058)',
    smtpProblem: 'SMTP_URL cannot be read',
    feedbackUrl: 'Bounce and complaint webhook (JSON, admin key)',
    bounceMailUrl: 'Raw bounce mails from your mail server (message/rfc822, admin key)',
    // dkim
    dkim: 'DKIM',
    dkimOff: 'Not configured',
    dkimOffText:
      'Email is sent unsigned: many mailboxes then file it as spam or refuse it. Generate an RSA key of 2048 bits and set COMEBACK_DKIM_DOMAIN, COMEBACK_DKIM_SELECTOR and COMEBACK_DKIM_PRIVATE_KEY.',
    dkimSigning: 'Signing',
    dkimNotSigning: 'Not signing',
    dkimInvalid: 'Key not usable',
    dkimNoSmtp: 'The key is valid, but no email is sent until SMTP_URL is set.',
    domain: 'Domain',
    selector: 'Selector',
    keyBits: 'Key',
    bits: '{bits}-bit RSA',
    notAligned:
      'The From address ({from}) is not in the DKIM domain or a subdomain of it: DMARC will not count the signature.',
    dnsTitle: 'Publish this DNS record',
    dnsHint:
      'A TXT record at your DNS host. Some hosts need a value over 255 characters split into several quoted strings; most do it for you.',
    recordName: 'Record name (TXT)',
    recordValue: 'Record value',
    // sms
    sms: 'SMS',
    twilio: 'Twilio',
    sender: 'Sender',
    account: 'Account',
    inboundUrl: 'Paste in Twilio as the number’s “A message comes in” webhook (HTTP POST)',
    statusCallbackUrl: 'Delivery reports (sent with each text automatically)',
    noStatusCallback:
      'No delivery reports: Twilio needs a public address to send them to. Set COMEBACK_PUBLIC_URL.',
    // whatsapp
    whatsapp: 'WhatsApp',
    meta: 'Meta Cloud API',
    phoneNumberId: 'Phone number ID',
    webhookUrl: 'Paste in the Meta app as the WhatsApp webhook’s Callback URL',
    verifyToken: 'Verify token (WHATSAPP_VERIFY_TOKEN)',
    verifyTokenMissing:
      'Without WHATSAPP_VERIFY_TOKEN Meta cannot verify the webhook URL. Set it, and type the same value in the Meta app.',
    appSecret: 'App secret (WHATSAPP_APP_SECRET)',
    appSecretMissing:
      'Without WHATSAPP_APP_SECRET every webhook call from Meta is refused: replies, opt-outs and delivery reports are lost.',
    // push
    push: 'Web push',
    contact: 'Contact (VAPID subject)',
    vapidKey: 'VAPID public key (the browser’s applicationServerKey)',
    pushOffText:
      'Set COMEBACK_VAPID_SUBJECT (mailto: or https: address) to send web push; the server makes and keeps its VAPID keys itself.',
    // inbox and webhooks
    inboxWebhooks: 'In-app inbox and webhooks',
    inboxText:
      'The in-app inbox needs no provider: storefronts read it with a per-profile client token.',
    webhooksText:
      'The webhook channel posts each message to your URL, signed in the {header} header with this workspace’s secret.',
    webhookSecretUrl: 'The signing secret (admin key)',
  },
  he: {
    intro:
      'כיצד כל ערוץ שולח כעת. החשבונות של השרת מוגדרים במשתני הסביבה שלו; בעלים יכולים לתת לחנות הזו חשבונות דוא״ל, SMS ו-WhatsApp משלה תחת „חשבונות ספקים” שלהלן.',
    envVars: 'נקבע במשתני הסביבה של השרת:',
    ownAccount: 'החשבון של החנות הזו (חשבונות ספקים למטה)',
    credentialsTitle: 'פרטי גישה הם לכתיבה בלבד',
    credentialsText:
      'סיסמאות, אסימונים ומפתחות לעולם אינם מוצגים בחזרה, לא כאן ולא דרך ה-API. אלה של השרת נקבעים במשתני הסביבה שלו: כדי לשנות אחד מהם, עדכנו את המשתנה בשרת והפעילו אותו מחדש. את החשבונות של החנות הזו מחליפים או מסירים תחת „חשבונות ספקים”.',
    set: 'מוגדר',
    notSet: 'לא מוגדר',
    on: 'פעיל',
    off: 'כבוי',
    localOutbox: 'תיבת יוצא מקומית',
    localOutboxText: 'ההודעות נרשמות בתיבת היוצא (ראו הודעות) אבל לא נשלחות לאף אחד עד שמוגדר ספק.',
    publicUrl: 'כתובת ציבורית',
    publicUrlSet: 'חנויות, Twilio ו-Meta מגיעות לשרת הזה בכתובת {url}.',
    publicUrlMissingTitle: 'COMEBACK_PUBLIC_URL אינו מוגדר',
    publicUrlMissing:
      'הכתובות שלהלן מבוססות על הכתובת שבה פתחתם את לוח הבקרה ({url}). קישורים בהודעות (הסרה מרשימה, קישורים במעקב) לא יגיעו לשרת הזה, ו-Twilio לא ישלח דוחות מסירה. הגדירו את COMEBACK_PUBLIC_URL לכתובת שבה השרת זמין מהאינטרנט.',
    email: 'דוא״ל',
    smtp: 'SMTP',
    server: 'שרת',
    encryption: 'הצפנה',
    tlsImplicit: 'TLS מההתחלה (smtps)',
    tlsStartTls: 'STARTTLS כשהשרת מציע אותו',
    authentication: 'התחברות',
    authSet: 'משתמש וסיסמה מוגדרים',
    authNone: 'ללא',
    from: 'מאת',
    oneClick: 'הסרה בלחיצה אחת',
    oneClickOn: 'פעילה בדוא״ל שיווקי (RFC 8058)',
    smtpProblem: 'אי אפשר לקרוא את SMTP_URL',
    feedbackUrl: 'Webhook להחזרות ותלונות (JSON, מפתח ניהול)',
    bounceMailUrl: 'הודעות החזרה גולמיות משרת הדואר שלכם (message/rfc822, מפתח ניהול)',
    dkim: 'DKIM',
    dkimOff: 'לא מוגדר',
    dkimOffText:
      'הדוא״ל נשלח ללא חתימה: תיבות דואר רבות יסננו אותו כספאם או ידחו אותו. צרו מפתח RSA של 2048 סיביות והגדירו את COMEBACK_DKIM_DOMAIN, ‏COMEBACK_DKIM_SELECTOR ו-COMEBACK_DKIM_PRIVATE_KEY.',
    dkimSigning: 'חותם',
    dkimNotSigning: 'לא חותם',
    dkimInvalid: 'המפתח אינו שמיש',
    dkimNoSmtp: 'המפתח תקין, אבל שום דוא״ל לא נשלח עד שמוגדר SMTP_URL.',
    domain: 'דומיין',
    selector: 'בורר (selector)',
    keyBits: 'מפתח',
    bits: 'RSA של {bits} סיביות',
    notAligned:
      'כתובת השולח ({from}) אינה בדומיין ה-DKIM או בתת-דומיין שלו: DMARC לא יתחשב בחתימה.',
    dnsTitle: 'פרסמו את רשומת ה-DNS הזו',
    dnsHint:
      'רשומת TXT אצל ספק ה-DNS שלכם. יש ספקים שדורשים לפצל ערך ארוך מ-255 תווים לכמה מחרוזות במירכאות; רובם עושים זאת בעצמם.',
    recordName: 'שם הרשומה (TXT)',
    recordValue: 'ערך הרשומה',
    sms: 'SMS',
    twilio: 'Twilio',
    sender: 'שולח',
    account: 'חשבון',
    inboundUrl: 'הדביקו ב-Twilio כ-webhook של המספר עבור „A message comes in” ‏(HTTP POST)',
    statusCallbackUrl: 'דוחות מסירה (נשלח אוטומטית עם כל הודעה)',
    noStatusCallback:
      'אין דוחות מסירה: Twilio צריך כתובת ציבורית כדי לשלוח אותם. הגדירו את COMEBACK_PUBLIC_URL.',
    whatsapp: 'WhatsApp',
    meta: 'Meta Cloud API',
    phoneNumberId: 'מזהה מספר הטלפון',
    webhookUrl: 'הדביקו באפליקציית Meta כ-Callback URL של ה-webhook של WhatsApp',
    verifyToken: 'אסימון אימות (WHATSAPP_VERIFY_TOKEN)',
    verifyTokenMissing:
      'בלי WHATSAPP_VERIFY_TOKEN ‏Meta לא יכולה לאמת את כתובת ה-webhook. הגדירו אותו, והקלידו את אותו ערך באפליקציית Meta.',
    appSecret: 'סוד האפליקציה (WHATSAPP_APP_SECRET)',
    appSecretMissing:
      'בלי WHATSAPP_APP_SECRET כל קריאת webhook מ-Meta נדחית: תשובות, בקשות הסרה ודוחות מסירה הולכים לאיבוד.',
    push: 'התראות דפדפן',
    contact: 'איש קשר (VAPID subject)',
    vapidKey: 'המפתח הציבורי של VAPID ‏(applicationServerKey של הדפדפן)',
    pushOffText:
      'הגדירו את COMEBACK_VAPID_SUBJECT (כתובת mailto: או https:) כדי לשלוח התראות דפדפן; השרת יוצר ושומר את מפתחות ה-VAPID בעצמו.',
    inboxWebhooks: 'תיבת הודעות באפליקציה ו-webhooks',
    inboxText:
      'תיבת ההודעות באפליקציה אינה צריכה ספק: חנויות קוראות אותה עם אסימון לקוח לכל פרופיל.',
    webhooksText:
      'ערוץ ה-webhook שולח כל הודעה לכתובת שלכם, חתומה בכותרת {header} בסוד של סביבת העבודה הזו.',
    webhookSecretUrl: 'סוד החתימה (מפתח ניהול)',
  },
});
