import { inputError } from '@mlci/core';

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * An RFC 4180 record parser fed with text chunks. It scans character codes (no regex, no per-character
 * allocation), hands each complete record to `onRecord` with a reused fields array, and keeps an
 * incomplete trailing record for the next chunk. Blank lines are skipped but counted, so `line` always
 * names the physical line where a record starts.
 */
export class CsvRecordParser {
  private carry = '';
  private line = 1;
  private readonly fields: string[] = [];
  private readonly delimiter: number;

  constructor(
    private readonly file: string,
    delimiter: string,
    private readonly onRecord: (fields: string[], line: number) => void,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Parses every complete record in the carried tail plus `text`; with `final`, the tail too. */
  push(text: string, final: boolean): void {
    const s = this.carry ? this.carry + text : text;
    const n = s.length;
    const delimiter = this.delimiter;
    const delimiterChar = String.fromCharCode(delimiter);
    const fields = this.fields;
    let i = 0;
    let line = this.line;
    records: while (i < n) {
      const recordStart = i;
      let c = s.charCodeAt(i);
      if (c === LF) {
        i++;
        line++;
        continue;
      }
      if (c === CR) {
        if (i + 1 >= n && !final) break;
        i += i + 1 < n && s.charCodeAt(i + 1) === LF ? 2 : 1;
        line++;
        continue;
      }
      fields.length = 0;
      let newlinesInside = 0;
      let lineEnd = -1; // index of the next '\n' at or after i, found lazily
      for (;;) {
        let field: string;
        if (s.charCodeAt(i) === QUOTE) {
          const quoteLine = line + newlinesInside;
          let segmentStart = i + 1;
          let value = '';
          for (;;) {
            const q = s.indexOf('"', segmentStart);
            if (q === -1) {
              if (!final) {
                i = recordStart;
                break records;
              }
              throw inputError('unterminated quoted field', { file: this.file, line: quoteLine, hint: 'a field opened with " must close with "; a quote inside a field is written ""' });
            }
            if (q + 1 >= n && !final) {
              i = recordStart;
              break records;
            }
            if (s.charCodeAt(q + 1) === QUOTE) {
              value += s.slice(segmentStart, q + 1);
              segmentStart = q + 2;
              continue;
            }
            value += s.slice(segmentStart, q);
            for (let k = s.indexOf('\n', i); k !== -1 && k < q; k = s.indexOf('\n', k + 1)) newlinesInside++;
            i = q + 1;
            break;
          }
          field = value;
          c = i < n ? s.charCodeAt(i) : -1;
          if (c !== -1 && c !== delimiter && c !== LF && c !== CR) {
            throw inputError(`unexpected character ${JSON.stringify(s[i])} after a closing quote`, {
              file: this.file,
              line: line + newlinesInside,
              hint: 'quote the whole field, and write a quote inside it as ""',
            });
          }
        } else {
          // Unquoted: let native indexOf find the next delimiter and line end instead of a per-character loop.
          if (lineEnd < i) lineEnd = s.indexOf('\n', i);
          const nextDelimiter = s.indexOf(delimiterChar, i);
          if (nextDelimiter !== -1 && (lineEnd === -1 || nextDelimiter < lineEnd)) {
            field = s.slice(i, nextDelimiter);
            i = nextDelimiter;
            c = delimiter;
          } else {
            if (lineEnd === -1 && !final) {
              i = recordStart;
              break records;
            }
            let end = lineEnd === -1 ? n : lineEnd;
            if (end > i && s.charCodeAt(end - 1) === CR) end--;
            field = s.slice(i, end);
            i = end;
            c = i < n ? s.charCodeAt(i) : -1;
          }
        }
        fields.push(field);
        if (c === delimiter) {
          i++;
          if (i >= n) {
            if (!final) {
              i = recordStart;
              break records;
            }
            fields.push('');
            break;
          }
          continue;
        }
        if (c === LF) {
          i++;
        } else if (c === CR) {
          if (i + 1 >= n && !final) {
            i = recordStart;
            break records;
          }
          i += i + 1 < n && s.charCodeAt(i + 1) === LF ? 2 : 1;
        }
        break;
      }
      this.onRecord(fields, line);
      line += 1 + newlinesInside;
    }
    this.carry = i < n ? s.slice(i) : '';
    this.line = line;
  }
}
