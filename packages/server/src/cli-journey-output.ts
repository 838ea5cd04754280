/** How the journey commands print: their outcome, names made safe to show, plain tables. */

/** What a command prints and how it ends (0 done, 1 failed, 2 bad input: nothing changed). */
export interface Outcome {
  out: string;
  err?: string;
  code?: 0 | 1 | 2;
}

/** Names are storable text: a newline or escape in one must not forge or garble output lines. */
export const shown = (text: string) => (/\p{Cc}/u.test(text) ? JSON.stringify(text) : text);
export const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

/** Left-aligned columns, two spaces apart. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${rows.map(line).join('\n')}\n`;
}
