import { consentChannels, type ConsentChannel } from '@comeback/contracts';

/**
 * The pages a person reaches from a link in a message: unsubscribe, the preference center, the
 * double opt-in result, and the page for a link that does not verify. Plain server-rendered
 * HTML with a little inline CSS and no script, so they work in any mail client's browser, in
 * English and Hebrew (right to left). Every interpolated value is escaped.
 */
export type PageLanguage = 'en' | 'he';

export interface Page {
  status: number;
  html: string;
}

const text = {
  en: {
    invalidTitle: 'This link is not valid',
    invalidBody:
      'The link is incomplete, was changed, or has expired. Use the newest link from a message, ' +
      'or contact the store.',
    unsubscribeTitle: (store: string) => `Unsubscribe from ${store}`,
    unsubscribeAsk: (channel: string, store: string) =>
      `Stop receiving ${channel} messages from ${store}?`,
    unsubscribeButton: 'Unsubscribe',
    unsubscribed: (channel: string, store: string) =>
      `You are unsubscribed from ${channel} messages of ${store}.`,
    manage: 'Manage all your preferences',
    preferencesTitle: (store: string) => `Your preferences at ${store}`,
    preferencesIntro: 'Choose the messages you want to receive:',
    save: 'Save preferences',
    saved: 'Your preferences are saved.',
    confirmedTitle: 'Subscription confirmed',
    confirmed: (channel: string, store: string) =>
      `Thank you: you will receive ${channel} messages from ${store}.`,
    channels: { email: 'email', sms: 'SMS', whatsapp: 'WhatsApp', push: 'push notification' },
  },
  he: {
    invalidTitle: 'הקישור אינו תקין',
    invalidBody: 'הקישור חלקי, שונה או פג תוקפו. השתמשו בקישור העדכני ביותר מהודעה, או פנו לחנות.',
    unsubscribeTitle: (store: string) => `הסרה מרשימת התפוצה של ${store}`,
    unsubscribeAsk: (channel: string, store: string) => `להפסיק לקבל הודעות ${channel} מ-${store}?`,
    unsubscribeButton: 'הסרה',
    unsubscribed: (channel: string, store: string) => `הוסרתם מקבלת הודעות ${channel} מ-${store}.`,
    manage: 'ניהול כל ההעדפות שלכם',
    preferencesTitle: (store: string) => `ההעדפות שלכם ב-${store}`,
    preferencesIntro: 'בחרו אילו הודעות תרצו לקבל:',
    save: 'שמירת ההעדפות',
    saved: 'ההעדפות שלכם נשמרו.',
    confirmedTitle: 'ההרשמה אושרה',
    confirmed: (channel: string, store: string) => `תודה: תקבלו הודעות ${channel} מ-${store}.`,
    channels: { email: 'אימייל', sms: 'SMS', whatsapp: 'WhatsApp', push: 'התראות פוש' },
  },
} as const;

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => escapes[c] ?? c);

/**
 * The page's language: the link's own `l` when it has one (the language the message was in),
 * else the browser's Accept-Language, else English. Only English and Hebrew have pages.
 */
export function pageLanguage(
  linkLanguage: string | undefined,
  acceptLanguage?: string,
): PageLanguage {
  if (linkLanguage !== undefined) return isHebrew(linkLanguage) ? 'he' : 'en';
  if (acceptLanguage === undefined) return 'en';
  const ranked = acceptLanguage
    .slice(0, 500)
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((l) => l.q > 0 && (isHebrew(l.tag) || l.tag === 'en' || l.tag.startsWith('en-')))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked[0] !== undefined && isHebrew(ranked[0].tag) ? 'he' : 'en';
}

/** `iw` is Hebrew's code before 1989; some systems still send it. */
const isHebrew = (tag: string) => /^(he|iw)(-|$)/i.test(tag);

function layout(lang: PageLanguage, title: string, body: string): string {
  const dir = lang === 'he' ? 'rtl' : 'ltr';
  return `<!doctype html>
<html lang="${lang}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;background:#f5f5f4;color:#1c1917;margin:0;padding:2rem 1rem}
main{max-width:32rem;margin:0 auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:1.4rem;margin-top:0}
button{font:inherit;background:#1c1917;color:#fff;border:0;border-radius:6px;padding:.6rem 1.2rem;cursor:pointer}
label{display:block;margin:.6rem 0}
.note{color:#15803d}
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

/** A link that did not verify (changed, truncated, or signed with another secret). */
export function invalidLinkPage(lang: PageLanguage): Page {
  const t = text[lang];
  return { status: 400, html: layout(lang, t.invalidTitle, `<p>${escapeHtml(t.invalidBody)}</p>`) };
}

/**
 * Before: a question and a button that POSTs (a GET must change nothing, as mail scanners
 * open every link). After: the confirmation, with a way to the preference center.
 */
export function unsubscribePage(p: {
  lang: PageLanguage;
  store: string;
  channel: ConsentChannel;
  /** Where the form posts: the same link. */
  action: string;
  done: boolean;
  preferencesUrl: string | null;
}): Page {
  const t = text[p.lang];
  const channel = t.channels[p.channel];
  const manage =
    p.preferencesUrl === null
      ? ''
      : `<p><a href="${escapeHtml(p.preferencesUrl)}">${escapeHtml(t.manage)}</a></p>`;
  const body = p.done
    ? `<p class="note">${escapeHtml(t.unsubscribed(channel, p.store))}</p>${manage}`
    : `<p>${escapeHtml(t.unsubscribeAsk(channel, p.store))}</p>
<form method="post" action="${escapeHtml(p.action)}">
<input type="hidden" name="confirm" value="yes">
<button type="submit">${escapeHtml(t.unsubscribeButton)}</button>
</form>${manage}`;
  return { status: 200, html: layout(p.lang, t.unsubscribeTitle(p.store), body) };
}

/** One checkbox per consent channel, ticked when the person is subscribed on it. */
export function preferencesPage(p: {
  lang: PageLanguage;
  store: string;
  subscribed: ReadonlySet<ConsentChannel>;
  action: string;
  saved: boolean;
}): Page {
  const t = text[p.lang];
  const boxes = consentChannels
    .map(
      (c) =>
        `<label><input type="checkbox" name="${c}" value="on"${p.subscribed.has(c) ? ' checked' : ''}> ${escapeHtml(t.channels[c])}</label>`,
    )
    .join('\n');
  const body = `${p.saved ? `<p class="note">${escapeHtml(t.saved)}</p>` : ''}
<p>${escapeHtml(t.preferencesIntro)}</p>
<form method="post" action="${escapeHtml(p.action)}">
<input type="hidden" name="submitted" value="yes">
${boxes}
<p><button type="submit">${escapeHtml(t.save)}</button></p>
</form>`;
  return { status: 200, html: layout(p.lang, t.preferencesTitle(p.store), body) };
}

/** The double opt-in link's result. */
export function confirmedPage(p: {
  lang: PageLanguage;
  store: string;
  channel: ConsentChannel;
}): Page {
  const t = text[p.lang];
  const body = `<p class="note">${escapeHtml(t.confirmed(t.channels[p.channel], p.store))}</p>`;
  return { status: 200, html: layout(p.lang, t.confirmedTitle, body) };
}
