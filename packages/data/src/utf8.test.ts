import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import { utf8Chunks } from './decode';
import { completeLength, firstInvalidUtf8, lineAtOffset } from './utf8';

const dir = mkdtempSync(join(tmpdir(), 'mlci-utf8-'));

async function decodeAll(bytes: Uint8Array, chunk: number): Promise<string> {
  const path = join(dir, `f${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(path, bytes);
  let text = '';
  for await (const part of utf8Chunks(createReadStream(path, { highWaterMark: chunk }), path, (offset) => lineAtOffset(path, offset)))
    text += part;
  return text;
}

describe('UTF-8 decoding', () => {
  it('keeps characters whole across every chunk boundary and drops a BOM', async () => {
    const text = 'a,é\n€ 𝄞 ü,"x"\n'.repeat(7);
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    for (const chunk of [1, 2, 3, 5, 64]) expect(await decodeAll(bytes, chunk)).toBe(text);
  });

  it('finds the first fault of each kind the decoder refuses', () => {
    const at = (prefix: string, bad: number[]) =>
      firstInvalidUtf8(Buffer.concat([Buffer.from(prefix), Buffer.from(bad), Buffer.from('tail')]));
    expect(at('abc', [0xff])).toBe(3);
    expect(at('ab€', [0xc0, 0x80])).toBe(5); // overlong
    expect(at('a', [0xed, 0xa0, 0x80])).toBe(1); // a UTF-16 surrogate
    expect(at('ab', [0xe2, 0x82])).toBe(2); // truncated inside the text
    expect(completeLength(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1);
    expect(completeLength(Buffer.from([0x61, 0xe2, 0x82, 0xac]))).toBe(4);
  });

  it('names the line of invalid bytes in a later chunk, and a file that ends mid-character', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join('\n');
    const bad = Buffer.concat([Buffer.from(lines + '\nbad '), Buffer.from([0xe9]), Buffer.from('t\n')]);
    const error = await decodeAll(bad, 16).then(
      () => undefined,
      (e: unknown) => e as MlciError,
    );
    expect(error).toBeInstanceOf(MlciError);
    expect(error!.location.line).toBe(51);
    const cut = await decodeAll(Buffer.concat([Buffer.from('a\nb\n'), Buffer.from([0xe2, 0x82])]), 4).then(
      () => undefined,
      (e: unknown) => e as MlciError,
    );
    expect(cut!.message).toContain('ends inside a multi-byte character');
    expect(cut!.location.line).toBe(3);
  });
});
