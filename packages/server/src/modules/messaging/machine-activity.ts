/**
 * Opens and clicks that no person made: mail privacy proxies fetching the open pixel, and
 * security scanners following every link of an arriving message. They are still recorded (the
 * event happened), flagged `machine` with the reason, so segments and reports can leave them
 * out. Each rule names its source; user agents are matched case-insensitively.
 */
export interface MachineVerdict {
  machine: boolean;
  /** Which rule matched (`apple_mpp_ip`, `scanner:proofpoint`...); null for a person. */
  reason: string | null;
}

export interface OpenRequest {
  userAgent: string | undefined;
  ip: string;
  /** When the message was sent (epoch ms); null when unknown. */
  sentAt: number | null;
  at: number;
}

export interface ClickRequest extends OpenRequest {
  method: string;
}

/**
 * A click this soon after sending is a scanner at the receiving gateway: no person opens,
 * reads and clicks within 5 seconds of the message leaving us (and delivery itself takes part
 * of that time). The common threshold of ESPs' bot-click filters.
 */
export const SCANNER_CLICK_WINDOW_MS = 5_000;

const PERSON: MachineVerdict = { machine: false, reason: null };
const machine = (reason: string): MachineVerdict => ({ machine: true, reason });

/**
 * Image proxies that fetch the pixel on the reader's behalf, so the request shows neither the
 * person's device nor, for Apple, whether they opened at all.
 */
const OPEN_PROXIES: readonly [RegExp, string][] = [
  // Gmail serves every image through its proxy (googleusercontent.com), with the user agent
  // "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)".
  // Google: "Images in Gmail are served through secure proxy servers" (Gmail Help, 2013).
  [/GoogleImageProxy/i, 'google_image_proxy'],
  // Yahoo Mail and AOL (one company's mail since 2017) fetch images through "YahooMailProxy"
  // (help.yahoo.com "Yahoo Mail image proxy", SLN28749).
  [/YahooMailProxy/i, 'yahoo_mail_proxy'],
];

/**
 * Link scanners of mail security gateways, which request every URL of an arriving message to
 * check where it leads. Sources: each vendor's documentation of its URL protection
 * (Barracuda Link Protection, Mimecast Targeted Threat Protection URL Protect, Proofpoint URL
 * Defense, Microsoft Defender Safe Links and its BingPreview fetcher, Symantec/Broadcom
 * Email Security.cloud Link Following, Cisco Secure Email URL filtering, Trend Micro Email
 * Security, Sophos, Forcepoint, Fortinet FortiMail, Check Point Harmony), and the user agents
 * ESPs list in their bot-click filters.
 */
const SCANNERS: readonly [RegExp, string][] = [
  [/Barracuda/i, 'barracuda'],
  [/Mimecast/i, 'mimecast'],
  [/Proofpoint|ppops-/i, 'proofpoint'],
  [/BingPreview|Microsoft Office Existence Discovery|SafeLinks/i, 'microsoft_safe_links'],
  [/Symantec|MessageLabs|Broadcom/i, 'symantec'],
  [/IronPort|Cisco/i, 'cisco'],
  [/Trend ?Micro|TMUFE/i, 'trend_micro'],
  [/Sophos/i, 'sophos'],
  [/Forcepoint|Websense/i, 'forcepoint'],
  [/Forti(Mail|Guard|net)/i, 'fortinet'],
  [/Check ?Point/i, 'check_point'],
  [/Zscaler/i, 'zscaler'],
  [/Google-Safety|Google-Read-Aloud/i, 'google_safety'],
  // Plain HTTP libraries and headless browsers: no mail client or person uses them.
  [
    /python-requests|python-urllib|Go-http-client|curl\/|Wget|okhttp|Java\/|libwww-perl|HeadlessChrome|PhantomJS/i,
    'http_library',
  ],
  [/\b(bot|crawler|spider|scanner|preview)\b/i, 'bot'],
];

/**
 * Apple's network is 17.0.0.0/8 (ARIN: APPLE-WWNET). Apple Mail Privacy Protection (iOS 15 /
 * macOS 12, 2021) prefetches remote content through Apple's proxies from there, whether or not
 * the message is ever read (Apple: "Mail Privacy Protection ... privately downloads all remote
 * content in the background"), with the bare user agent "Mozilla/5.0".
 */
function inApplesNetwork(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v4);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255) && m[1] === '17';
}

/** Whether an open pixel request came from a person's mail client or a machine. */
export function classifyOpen(request: OpenRequest): MachineVerdict {
  const userAgent = (request.userAgent ?? '').trim();
  if (userAgent === 'Mozilla/5.0') return machine('apple_mpp_user_agent');
  if (inApplesNetwork(request.ip)) return machine('apple_mpp_ip');
  for (const [pattern, reason] of OPEN_PROXIES) if (pattern.test(userAgent)) return machine(reason);
  if (userAgent === '') return machine('no_user_agent');
  for (const [pattern, name] of SCANNERS)
    if (pattern.test(userAgent)) return machine(`scanner:${name}`);
  return PERSON;
}

/** Whether a click came from a person or a link scanner. */
export function classifyClick(request: ClickRequest): MachineVerdict {
  // Scanners check a URL with HEAD to avoid downloading it; browsers navigate with GET.
  if (request.method.toUpperCase() === 'HEAD') return machine('head_request');
  const userAgent = (request.userAgent ?? '').trim();
  if (userAgent === '') return machine('no_user_agent');
  for (const [pattern, name] of SCANNERS)
    if (pattern.test(userAgent)) return machine(`scanner:${name}`);
  if (
    request.sentAt !== null &&
    request.at >= request.sentAt &&
    request.at - request.sentAt < SCANNER_CLICK_WINDOW_MS
  )
    return machine('too_soon_after_send');
  return PERSON;
}
