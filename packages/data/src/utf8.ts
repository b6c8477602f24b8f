import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';

/**
 * Length of the longest prefix of `bytes` that does not end inside a multi-byte UTF-8 sequence: the rest
 * (at most 3 bytes) waits for the next chunk. An invalid tail is left in, for the validity check to refuse.
 */
export function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = n - 1;
  while (i >= 0 && n - i <= 3 && (bytes[i] & 0xc0) === 0x80) i--;
  if (i < 0) return n;
  const lead = bytes[i];
  if (lead < 0xc2 || lead > 0xf4) return n; // ASCII, or not a lead byte at all (left for the check to refuse)
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  return i + need > n ? i : n;
}

/**
 * Byte offset of the first invalid UTF-8 in `bytes` (which isUtf8 refused), by bisection on isUtf8 over
 * prefixes: only called on the error path, and exact for every kind of fault the decoder refuses.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let lo = 0; // the prefix up to lo is valid
  let hi = bytes.length; // the prefix up to hi is not
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (isUtf8(bytes.subarray(0, completeLength(bytes.subarray(0, mid))))) lo = mid;
    else hi = mid;
  }
  // Byte hi − 1 completed the first invalid prefix. If it is ASCII, the sequence before it was cut short;
  // otherwise it belongs to the faulty sequence. Either way, point at where that sequence starts.
  const last = hi - 1;
  if (last < 0) return 0;
  return bytes[last] < 0x80 ? (last > 0 ? sequenceStart(bytes, last - 1) : 0) : sequenceStart(bytes, last);
}

/** Where the multi-byte sequence holding byte k starts (k itself when no lead byte precedes it). */
function sequenceStart(bytes: Uint8Array, k: number): number {
  let j = k;
  while (j > 0 && k - j < 3 && (bytes[j] & 0xc0) === 0x80) j--;
  return bytes[j] >= 0xc2 && bytes[j] <= 0xf4 ? j : k;
}

/**
 * 1-based line of byte `offset` in the file: reads it again, so the fast path never counts lines. A line ends
 * at LF, CRLF or a lone CR, as the CSV reader reads them.
 */
export async function lineAtOffset(path: string, offset: number): Promise<number> {
  let line = 1;
  let seen = 0;
  let endsWithCR = false;
  for await (const chunk of createReadStream(path, { end: Math.max(0, offset - 1), highWaterMark: 1 << 20 })) {
    const bytes = chunk as Buffer;
    for (let k = bytes.indexOf(10); k !== -1; k = bytes.indexOf(10, k + 1)) line++;
    // A CR not followed by LF (the LF of a CRLF was counted above); one ending the previous chunk too.
    if (endsWithCR && bytes[0] !== 10) line++;
    for (let k = bytes.indexOf(13); k !== -1; k = bytes.indexOf(13, k + 1)) if (k + 1 < bytes.length && bytes[k + 1] !== 10) line++;
    endsWithCR = bytes[bytes.length - 1] === 13;
    seen += bytes.length;
  }
  // A CR just before the offset ends a line: the faulty byte there is no LF.
  if (endsWithCR) line++;
  return offset === 0 || seen === 0 ? 1 : line;
}
