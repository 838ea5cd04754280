/**
 * The link scan reads HTML without decoding character references (the tokenizer's fast path)
 * and decodes only the href values holding one. It must find exactly what a scan that decodes
 * everything finds: the reference below is that scan, compared over generated markup built
 * from the pieces that change a tokenizer's state (comments, CDATA, raw-text elements,
 * quotes, references with and without semicolons, unfinished tags).
 */
import { QuoteType, Tokenizer } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { scan, type HrefValue } from '../../src/modules/messaging/link-tracking.js';

function referenceScan(html: string): { hrefs: HrefValue[]; bodyClose: number } {
  const found: HrefValue[] = [];
  let bodyClose = -1;
  let tag = '';
  let attribute = '';
  let attributeNameEnd = -1;
  let value = '';
  let sawHref = false;
  const noop = () => undefined;
  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname(start, end) {
        tag = html.slice(start, end).toLowerCase();
        sawHref = false;
      },
      onattribname(start, end) {
        attribute = html.slice(start, end).toLowerCase();
        attributeNameEnd = end;
        value = '';
      },
      onattribdata(start, end) {
        value += html.slice(start, end);
      },
      onattribentity(codepoint) {
        value += String.fromCodePoint(codepoint);
      },
      onattribend(quote, end) {
        if (tag !== 'a' || attribute !== 'href' || sawHref) return;
        sawHref = true;
        if (quote === QuoteType.NoValue) return;
        let start = attributeNameEnd;
        while (start < html.length && /\s/.test(html.charAt(start))) start++;
        if (html.charAt(start) !== '=') return;
        start++;
        while (start < html.length && /\s/.test(html.charAt(start))) start++;
        if (html.charAt(start) === '"' || html.charAt(start) === "'") start++;
        const valueEnd = quote === QuoteType.Unquoted ? end : end - 1;
        if (start <= valueEnd) found.push({ start, end: valueEnd, value });
      },
      onopentagend() {
        tag = '';
      },
      onselfclosingtag() {
        tag = '';
      },
      onclosetag(start, end) {
        if (html.slice(start, end).toLowerCase() === 'body')
          bodyClose = html.lastIndexOf('<', start);
      },
      ontext: noop,
      ontextentity: noop,
      oncdata: noop,
      oncomment: noop,
      ondeclaration: noop,
      onprocessinginstruction: noop,
      onend: noop,
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  return { hrefs: found, bodyClose };
}

const pieces = [
  '<a ',
  '<A ',
  '<a',
  '<area ',
  'href',
  'HREF',
  'hre',
  ' href',
  '=',
  ' = ',
  '"',
  "'",
  '>',
  '/>',
  ' ',
  '\n',
  'https://s.example/p?a=1',
  '&amp;',
  '&amp',
  '&',
  '&lt;',
  '&lt',
  '&not',
  '&notin;',
  '&noti',
  '&#65;',
  '&#x41',
  '&#xZZ;',
  '&quot;',
  '&gt;',
  '&=',
  '&amp=',
  'x',
  '<!--',
  '-->',
  '<!--[if mso]>',
  '<![endif]-->',
  '<![CDATA[',
  ']]>',
  '<style>',
  '</style>',
  '<title>',
  '</title>',
  '<script>',
  '</script>',
  '<textarea>',
  '</textarea>',
  '<body>',
  '</body>',
  '</BODY >',
  '</a>',
  '<!doctype html>',
  '<?x ?>',
  'שלום',
];

/** A small deterministic generator (mulberry32), so a failure names a reproducible case. */
function generator(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const valuePieces = [
  'https://s.example/p?a=1',
  '&amp;',
  '&amp',
  '&',
  '&not',
  '&notin;',
  '&noti',
  '&#65;',
  '&#x41',
  '&#xZZ;',
  '&quot;',
  '&lt',
  '&=',
  '&amp=',
  'b=2',
  ' ',
  "'",
  '"',
  '>',
  'x',
];
const pick = (random: () => number, from: readonly string[]): string =>
  from[Math.floor(random() * from.length)] ?? '';

/** An `<a>` start tag whose href value mixes references, quotes and ends. */
function anchor(random: () => number): string {
  let value = '';
  const length = Math.floor(random() * 6);
  for (let j = 0; j < length; j++) value += pick(random, valuePieces);
  const quote = pick(random, ['"', "'", '']);
  return `${pick(random, ['<a ', '<A ', '<a x=1 '])}${pick(random, ['href', 'HREF'])}${pick(random, ['=', ' = '])}${quote}${value}${quote}${pick(random, ['>', ' ', '/>', ''])}`;
}

describe('link scan', () => {
  it('finds what a scan decoding every reference finds, over generated markup', () => {
    const random = generator(7);
    let withReference = 0;
    for (let i = 0; i < 20_000; i++) {
      const length = 1 + Math.floor(random() * 24);
      let html = '';
      for (let j = 0; j < length; j++)
        html += random() < 0.3 ? anchor(random) : pick(random, pieces);
      const expected = referenceScan(html);
      expect(scan(html), html).toEqual(expected);
      if (expected.hrefs.some((h) => html.slice(h.start, h.end).includes('&'))) withReference++;
    }
    // The generated markup did reach the decoding path, not only plain values.
    expect(withReference).toBeGreaterThan(500);
  });

  it('decodes references in href values as a browser reads them', () => {
    const html =
      '<a href="https://s.example/?a=1&amp;b=2&not=3&lt&#x41;">x</a>' +
      "<a href='https://s.example/?q=&quot;x&quot;'>y</a><a href=https://s.example/?c&amp;d>z</a>";
    const found = scan(html).hrefs.map((h) => h.value);
    expect(found).toEqual([
      'https://s.example/?a=1&b=2&not=3<A',
      'https://s.example/?q="x"',
      'https://s.example/?c&d',
    ]);
    expect(scan(html)).toEqual(referenceScan(html));
  });
});
