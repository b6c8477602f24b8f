import { isUtf8 } from 'node:buffer';
import { inputError } from '@mlci/core';
import { completeLength, firstInvalidUtf8 } from './utf8';

/**
 * Decodes a byte stream as UTF-8 text chunks, refusing invalid UTF-8 with the line it occurs on. A leading BOM
 * is dropped. Validation is Node's native isUtf8 and decoding Buffer#toString (both SIMD), which measured
 * faster than a fatal TextDecoder; a character cut by a chunk boundary is carried to the next chunk.
 * `lineAt` finds the line of a byte offset on the error path (a regular file is read again; a stream cannot be).
 */
export async function* utf8Chunks(
  bytes: AsyncIterable<Uint8Array>,
  name: string,
  lineAt: (offset: number) => Promise<number | undefined>,
  /** Where `bytes` start in the file (a byte range of it): offsets in messages are the file's; no BOM is looked for past 0. */
  baseOffset = 0,
): AsyncGenerator<string> {
  let carry: Buffer | null = null;
  let offset = baseOffset; // input offset of the first byte of `bytes`
  let atStart = baseOffset === 0;
  for await (const chunk of bytes) {
    const all: Buffer = carry ? Buffer.concat([carry, chunk]) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    const cut = completeLength(all);
    const body = all.subarray(0, cut);
    if (!isUtf8(body)) {
      const at = firstInvalidUtf8(body);
      throw inputError(`invalid UTF-8 (byte 0x${body[at]?.toString(16) ?? '??'} at offset ${offset + at})`, {
        file: name,
        line: await lineAt(offset + at),
        hint: 'save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)',
      });
    }
    let text = body.toString('utf8');
    if (atStart && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      atStart = false;
    }
    carry = cut < all.length ? Buffer.from(all.subarray(cut)) : null;
    offset += cut;
    if (text) yield text;
  }
  if (carry) {
    throw inputError('invalid UTF-8: the file ends inside a multi-byte character', {
      file: name,
      line: await lineAt(offset),
      hint: 'save the file as UTF-8',
    });
  }
}
