import { parse, type CsvError, type Parser } from 'csv-parse';
import { FileProblem, type LineParser, type RowSink } from './file-reader.js';

const csvReason = (error: CsvError): string => {
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
      const m = /expect (\d+), got (\d+)/.exec(error.message);
      return fieldCount(Number(m?.[2]), Number(m?.[1]));
    }
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'malformed CSV: text after the closing quote of a quoted field';
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'malformed CSV: a quote opened in this row is never closed (the rest of the file is lost in it)';
    default:
      return `malformed CSV: ${error.message}`;
  }
};
const fieldCount = (got: number, expected: number) =>
  `malformed CSV: ${got} fields where the header has ${expected}`;

/** A record spanning lines (quoted newlines) is named by the line it starts on. */
function lineOfStart(end: number, cells: string[]): number {
  let extra = 0;
  for (const c of cells) {
    for (let i = c.indexOf('\n'); i !== -1; i = c.indexOf('\n', i + 1)) extra++;
  }
  return end - extra;
}

const NEWLINE = 0x0a;

/**
 * CSV rows from csv-parse, with the line each starts on. csv-parse reports a malformed row and
 * goes on, except after text following a closing quote: it then reads on as if still inside
 * the quotes and would swallow the rows after it. So at that error this reader drops the
 * parser and starts a new one at the next line; rows after a bad quote still land.
 */
export function csvReader(sink: RowSink): LineParser {
  let header: string[] | null = null;
  let lastLine = 0;
  /** Lines before the current parser's first one. */
  let base = 0;
  /** The line the next chunk starts on. */
  let chunkLine = 1;
  /** After a broken quote: the line the next parser starts on (skipping what is before). */
  let resumeAt: number | null = null;
  let broken = false;
  let failure: unknown;

  const make = (): Parser => {
    const p = parse({
      bom: base === 0,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        if (!error || broken) return undefined;
        const at = base + (typeof error.lines === 'number' ? error.lines : 0);
        // The row started after the last good one; csv-parse says where it noticed.
        sink.bad(lastLine + 1, csvReason(error), undefined);
        if (error.code === 'CSV_INVALID_CLOSING_QUOTE') {
          broken = true;
          resumeAt = at + 1;
        }
        lastLine = Math.max(lastLine + 1, at);
        return undefined;
      },
    });
    // Records are delivered synchronously from write() (flowing, with a 'data' listener), so
    // p.info.lines is the line the record ends on.
    p.on('data', (cells: string[]) => {
      if (failure || broken) return;
      const end = base + p.info.lines;
      try {
        if (header === null) {
          header = cells.map((c) => c.trim());
          lastLine = end;
          const dup = header.find((h, i) => header?.indexOf(h) !== i);
          if (dup !== undefined)
            throw new FileProblem(end, `the header names column "${dup}" twice`);
          sink.header(header);
          return;
        }
        const start = lineOfStart(end, cells);
        lastLine = end;
        // A restarted parser does not know the header's width: checked here.
        if (cells.length !== header.length)
          sink.bad(start, fieldCount(cells.length, header.length), undefined);
        else sink.row({ line: start, cells });
      } catch (error) {
        failure = error; // thrown back from write(), not into csv-parse
      }
    });
    p.on('error', (error) => (failure ??= error));
    return p;
  };
  let parser = make();

  const feed = (chunk: Buffer, firstLine: number) => {
    let rest = chunk;
    let line = firstLine;
    for (;;) {
      if (resumeAt !== null) {
        // Skip to the start of line `resumeAt` (possibly in a later chunk).
        let pos = 0;
        while (line < resumeAt) {
          const nl = rest.indexOf(NEWLINE, pos);
          if (nl === -1) return;
          pos = nl + 1;
          line++;
        }
        rest = rest.subarray(pos);
        base = resumeAt - 1;
        lastLine = Math.max(lastLine, base);
        resumeAt = null;
        broken = false;
        parser.removeAllListeners('data');
        parser.destroy();
        parser = make();
      }
      parser.write(rest);
      if (failure) throw failure;
      if (!broken) return;
    }
  };

  return {
    write: (chunk) => {
      const first = chunkLine;
      for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) chunkLine++;
      feed(chunk, first);
    },
    end: async () => {
      // The last record (no newline after it) and an unclosed quote come out of the flush.
      const last = parser;
      last.end();
      await new Promise<void>((resolve) => {
        last.once('end', resolve);
        last.once('error', () => resolve());
        last.once('close', resolve);
      });
      if (failure) throw failure;
      if (header === null) throw new FileProblem(1, 'the file has no header row');
    },
    lastLine: () => lastLine,
  };
}
