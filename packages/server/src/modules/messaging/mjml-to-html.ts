import { randomBytes } from 'node:crypto';
import mjml2html from 'mjml';

/**
 * The MJML half of compiling an email body: MJML -> HTML with the variant's language, direction
 * and preheader, and the check that MJML kept every Liquid tag of the source.
 */

type MjmlOutcome =
  | { ok: true; value: string }
  | { ok: false; issues: { line: number; column: number; message: string }[] };

/**
 * MJML -> HTML, strict. The root gets the language and direction (MJML 5 carries them to <html>
 * and its wrapper div; <body> gets dir here) and the preheader goes in as <mj-preview>. Both
 * are inserted without line breaks, so MJML's line numbers stay the author's.
 */
export async function mjmlToHtml(
  body: string,
  language: string,
  direction: 'ltr' | 'rtl',
  preheader: string | undefined,
): Promise<MjmlOutcome> {
  const root = /<mjml(?=[\s>/])([^>]*)>/.exec(body);
  if (!root || body.slice(0, root.index).trim() !== '')
    return {
      ok: false,
      issues: [
        { line: 1, column: 0, message: 'the body must be an MJML document: <mjml>...</mjml>' },
      ],
    };
  let attributes = root[1] ?? '';
  if (!/\slang\s*=/.test(attributes)) attributes += ` lang="${language}"`;
  if (!/\sdir\s*=/.test(attributes)) attributes += ` dir="${direction}"`;
  // The preheader is Liquid: MJML sees a placeholder, swapped for the source after compiling.
  const placeholder = `cbpreheader${randomBytes(8).toString('hex')}`;
  let head = '';
  let rest = body.slice(root.index + root[0].length);
  const injectPreview = preheader !== undefined && !/<mj-preview[\s>]/.test(body);
  // MJML writes `direction:ltr` on every column whatever the document's dir: a right-to-left
  // language gets right-to-left sections, columns and right-aligned text by default (the
  // author's own attributes still win).
  const rtlDefaults =
    direction === 'rtl'
      ? '<mj-attributes><mj-section direction="rtl"></mj-section><mj-column direction="rtl"></mj-column><mj-text align="right"></mj-text></mj-attributes>'
      : '';
  if (injectPreview || rtlDefaults) {
    const preview = `${rtlDefaults}${injectPreview ? `<mj-preview>${placeholder}</mj-preview>` : ''}`;
    const existing = /<mj-head(\s[^>]*)?>/.exec(rest);
    if (existing)
      rest =
        rest.slice(0, existing.index + existing[0].length) +
        preview +
        rest.slice(existing.index + existing[0].length);
    else head = `<mj-head>${preview}</mj-head>`;
  }
  const source = `${body.slice(0, root.index)}<mjml${attributes}>${head}${rest}`;
  let html: string;
  try {
    // ignoreIncludes: an mj-include must never read a file of the server.
    html = (await mjml2html(source, { validationLevel: 'strict', ignoreIncludes: true })).html;
  } catch (error) {
    return { ok: false, issues: mjmlIssues(error) };
  }
  if (injectPreview && preheader !== undefined) html = html.split(placeholder).join(preheader);
  if (direction === 'rtl') html = html.replace(/<body(?![^>]*\sdir=)/, '<body dir="rtl"');
  return { ok: true, value: html };
}

function mjmlIssues(error: unknown): { line: number; column: number; message: string }[] {
  const listed: unknown = error instanceof Error && 'errors' in error ? error.errors : undefined;
  if (Array.isArray(listed) && listed.length > 0)
    return listed.map((e: unknown) => {
      const found = typeof e === 'object' && e !== null ? e : {};
      const line = 'line' in found && typeof found.line === 'number' ? found.line : 1;
      const tag =
        'tagName' in found && typeof found.tagName === 'string' ? `${found.tagName}: ` : '';
      const text = 'message' in found ? String(found.message) : 'invalid MJML';
      return { line, column: 0, message: `${tag}${text}` };
    });
  const message = error instanceof Error ? error.message : String(error);
  return [{ line: 1, column: 0, message: `MJML: ${message}` }];
}

const liquidMarkup = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const normalise = (s: string) => s.replace(/\s+/g, ' ');

/** The first Liquid output or tag of the source the compiled HTML lost (MJML dropped it). */
export function droppedLiquid(
  source: string,
  html: string,
): { line: number; column: number; message: string } | null {
  const available = new Map<string, number>();
  for (const m of html.matchAll(liquidMarkup)) {
    const key = normalise(m[0]);
    available.set(key, (available.get(key) ?? 0) + 1);
  }
  for (const m of source.matchAll(liquidMarkup)) {
    const key = normalise(m[0]);
    const left = available.get(key) ?? 0;
    if (left > 0) {
      available.set(key, left - 1);
      continue;
    }
    const before = source.slice(0, m.index);
    const line = before.split('\n').length;
    const column = m.index - before.lastIndexOf('\n');
    const shown = m[0].length > 60 ? `${m[0].slice(0, 57)}...` : m[0];
    return {
      line,
      column,
      message: `MJML dropped ${shown}: Liquid between MJML sections must be inside <mj-raw>`,
    };
  }
  return null;
}
