import { createReadStream } from 'node:fs';
import { inputError } from '@mlci/core';
import { countNewlines, firstInvalidUtf8 } from './utf8';

/**
 * Streams a file as UTF-8 text chunks, refusing invalid UTF-8 with the line it occurs on.
 * A leading BOM is dropped (TextDecoder does that by default).
 */
export async function* utf8Chunks(path: string, chunkBytes = 1 << 20): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let linesBefore = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes })) {
    const bytes = chunk as Buffer;
    let text: string;
    try {
      text = decoder.decode(bytes, { stream: true });
    } catch {
      const at = Math.max(0, firstInvalidUtf8(bytes));
      throw inputError(`invalid UTF-8 (byte 0x${bytes[at]?.toString(16) ?? '??'})`, {
        file: path,
        line: linesBefore + countNewlines(bytes, at) + 1,
        hint: 'save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)',
      });
    }
    linesBefore += countNewlines(bytes, bytes.length);
    if (text) yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch {
    throw inputError('invalid UTF-8: the file ends inside a multi-byte character', { file: path, line: linesBefore + 1, hint: 'save the file as UTF-8' });
  }
}
