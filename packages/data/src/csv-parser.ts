import { inputError } from '@mlci/core';
import { fieldTooLong, recordTooLong, type Limits } from './limits';

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * An RFC 4180 record parser fed with text chunks. It scans character codes (no regex, no per-character
 * allocation), hands each complete record to `onRecord` with a reused fields array, and keeps an
 * incomplete trailing record for the next chunk. Blank lines are skipped but counted, so `line` always
 * names the physical line where a record starts. LF, CRLF and a lone CR (old Mac files) all end a line.
 *
 * An incomplete record waits as a list of chunks and is parsed again only once it has doubled in length,
 * so a record of n characters costs O(n) however many chunks it spans (re-parsing it per chunk was
 * quadratic: a 50 MB line took over 30 s). Records and fields over `limits` are refused with their line.
 */
export class CsvRecordParser {
  private pending: string[] = [];
  private pendingLength = 0;
  private retryAt = 0;
  private line = 1;
  private readonly fields: string[] = [];
  private readonly delimiter: number;

  constructor(
    private readonly file: string,
    delimiter: string,
    private readonly onRecord: (fields: string[], line: number) => void,
    private readonly limits: Limits,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** The physical line the next record starts on (1 + the line ends consumed so far). */
  get nextLine(): number {
    return this.line;
  }

  /** The incomplete record carried for the next chunk ('' when the text so far ended on a record boundary). */
  get carried(): string {
    return this.pending.join('');
  }

  /** Parses every complete record in the carried tail plus `text`; with `final`, the tail too. */
  push(text: string, final: boolean): void {
    let s = text;
    if (this.pendingLength > 0) {
      this.pending.push(text);
      this.pendingLength += text.length;
      if (!final && this.pendingLength < this.retryAt && this.pendingLength <= this.limits.maxRecordLength) return;
      s = this.pending.join('');
      this.pending = [];
      this.pendingLength = 0;
    }
    const i = this.parse(s, final);
    if (i < s.length) {
      const carry = s.slice(i);
      if (carry.length > this.limits.maxRecordLength) throw recordTooLong(this.file, this.line, this.limits.maxRecordLength);
      this.pending = [carry];
      this.pendingLength = carry.length;
      this.retryAt = 2 * carry.length;
    }
  }

  /** Parses the complete records of `s`; returns where the incomplete tail starts (s.length if none). */
  private parse(s: string, final: boolean): number {
    const n = s.length;
    const delimiter = this.delimiter;
    const delimiterChar = String.fromCharCode(delimiter);
    const { maxFieldLength, maxRecordLength } = this.limits;
    const fields = this.fields;
    // Next delimiter, LF and CR at or after the scan position; -1 once none is left. Cached across records:
    // a search that finds nothing (a one-column file has no delimiter) must not scan the rest of s per record.
    let nextDelimiter = -2;
    let nextLF = -2;
    let nextCR = -2;
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
      let lineEnd = -1; // index of the next line break at or after i, found lazily
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
                if (value.length + n - segmentStart > maxFieldLength) throw fieldTooLong(this.file, quoteLine, maxFieldLength);
                i = recordStart;
                break records;
              }
              throw inputError('unterminated quoted field', {
                file: this.file,
                line: quoteLine,
                hint: 'a field opened with " must close with "; a quote inside a field is written ""',
              });
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
            // Line breaks inside the quotes: LFs, plus CRs not followed by an LF (CR-only files).
            if (nextLF !== -1 && nextLF < i) nextLF = s.indexOf('\n', i);
            while (nextLF !== -1 && nextLF < q) {
              newlinesInside++;
              nextLF = s.indexOf('\n', nextLF + 1);
            }
            if (nextCR !== -1 && nextCR < i) nextCR = s.indexOf('\r', i);
            while (nextCR !== -1 && nextCR < q) {
              if (s.charCodeAt(nextCR + 1) !== LF) newlinesInside++;
              nextCR = s.indexOf('\r', nextCR + 1);
            }
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
          if (lineEnd < i) {
            if (nextLF !== -1 && nextLF < i) nextLF = s.indexOf('\n', i);
            if (nextCR !== -1 && nextCR < i) nextCR = s.indexOf('\r', i);
            lineEnd = nextLF === -1 ? nextCR : nextCR === -1 ? nextLF : Math.min(nextLF, nextCR);
          }
          if (nextDelimiter !== -1 && nextDelimiter < i) nextDelimiter = s.indexOf(delimiterChar, i);
          if (nextDelimiter !== -1 && (lineEnd === -1 || nextDelimiter < lineEnd)) {
            field = s.slice(i, nextDelimiter);
            i = nextDelimiter;
            c = delimiter;
          } else {
            if (lineEnd === -1 && !final) {
              if (n - i > maxFieldLength) throw fieldTooLong(this.file, line + newlinesInside, maxFieldLength);
              i = recordStart;
              break records;
            }
            const end = lineEnd === -1 ? n : lineEnd;
            field = s.slice(i, end);
            i = end;
            c = i < n ? s.charCodeAt(i) : -1;
          }
        }
        if (field.length > maxFieldLength) throw fieldTooLong(this.file, line + newlinesInside, maxFieldLength);
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
      if (i - recordStart > maxRecordLength) throw recordTooLong(this.file, line, maxRecordLength);
      this.onRecord(fields, line);
      line += 1 + newlinesInside;
    }
    this.line = line;
    return i;
  }
}
