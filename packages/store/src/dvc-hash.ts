/**
 * DVC's content hashes, computed by mlci from the bytes (never copied from a `.dvc` file):
 *
 * - `md5` (DVC 3, `.dvc` entries with `hash: md5`): the md5 of the raw bytes.
 * - `md5-dos2unix` (DVC 2, entries without a `hash:` field): the file is read in 1 MiB chunks, and a chunk whose
 *   first 512 bytes look like text (no NUL, at most 30 % bytes outside printable ASCII and \n\r\t\f\b) has its
 *   CRLF pairs replaced by LF before hashing; binary chunks are hashed as they are. This is dvc-data's
 *   `Dos2UnixHashStreamFile` (what DVC 3 uses to check a DVC 2 `.dvc`), reproduced chunk for chunk.
 * - a directory's `<md5>.dir`: the md5 of the JSON manifest `[{"md5": …, "relpath": …}, …]` sorted by relpath
 *   (code-point order), written as Python's `json.dumps(…, sort_keys=True)` writes it (", " and ": " separators,
 *   non-ASCII escaped as \uXXXX), as dvc-data's `Tree.as_bytes` builds it.
 *
 * Every function streams: a file's bytes are never held whole in memory.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';

export type DvcHashKind = 'md5' | 'md5-dos2unix';

/** dvc-data reads files in chunks of this many bytes; the dos2unix rule applies per chunk. */
export const DVC_CHUNK_SIZE = 2 ** 20;
/** The text/binary guess looks at this many bytes of each chunk (dvc-data's istextfile.DEFAULT_CHUNK_SIZE). */
const TEXT_BLOCK = 512;

const TEXT_BYTES = new Uint8Array(256);
for (let b = 32; b < 127; b++) TEXT_BYTES[b] = 1;
for (const b of [0x0a, 0x0d, 0x09, 0x0c, 0x08]) TEXT_BYTES[b] = 1;

/** DVC's text guess for one block: empty is text; a NUL byte makes it binary; else at most 30 % non-text bytes. */
export function isTextBlock(block: Uint8Array): boolean {
  if (block.length === 0) return true;
  let nontext = 0;
  for (const b of block) {
    if (b === 0) return false;
    if (!TEXT_BYTES[b]) nontext++;
  }
  return nontext / block.length <= 0.3;
}

/** `data.replace(b"\r\n", b"\n")` within one chunk (a pair split across chunks is left as DVC leaves it). */
export function dos2unix(chunk: Uint8Array): Uint8Array {
  if (chunk.indexOf(0x0d) < 0) return chunk;
  const out = Buffer.allocUnsafe(chunk.length);
  let n = 0;
  for (let i = 0; i < chunk.length; i++) {
    if (chunk[i] === 0x0d && chunk[i + 1] === 0x0a) continue;
    out[n++] = chunk[i];
  }
  return out.subarray(0, n);
}

/** An md5-dos2unix hasher fed arbitrary pieces: it cuts them into DVC's 1 MiB chunks before applying the rule. */
class Dos2UnixMd5 {
  private readonly md5 = createHash('md5');
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  update(piece: Buffer): void {
    let rest = piece;
    while (rest.length) {
      const take = Math.min(rest.length, DVC_CHUNK_SIZE - this.pendingBytes);
      this.pending.push(rest.subarray(0, take));
      this.pendingBytes += take;
      rest = rest.subarray(take);
      if (this.pendingBytes === DVC_CHUNK_SIZE) this.flush();
    }
  }

  private flush(): void {
    if (!this.pendingBytes) return;
    const chunk = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.md5.update(isTextBlock(chunk.subarray(0, TEXT_BLOCK)) ? dos2unix(chunk) : chunk);
    this.pending = [];
    this.pendingBytes = 0;
  }

  digest(): string {
    this.flush();
    return this.md5.digest('hex');
  }
}

export interface FileHashes {
  /** SHA-256 of the raw bytes. */
  sha256: string;
  /** DVC 3 md5 (raw bytes). */
  md5: string;
  /** DVC 2 md5-dos2unix, only when asked for. */
  md5Dos2unix?: string;
  size: number;
}

/** Below this size a file is read in one call (fewer system calls for many small files), above it streamed. */
const WHOLE_READ_LIMIT = 1024 * 1024;

/**
 * SHA-256, DVC's md5 and (with `dos2unix`) DVC 2's md5-dos2unix of a file in one streamed pass. Memory stays
 * below 1 MiB per call whatever the file's size.
 */
export async function hashFileForDvc(path: string, options: { dos2unix?: boolean; size?: number } = {}): Promise<FileHashes> {
  const hashes: Array<Hash | Dos2UnixMd5> = [createHash('sha256'), createHash('md5')];
  const legacy = options.dos2unix ? new Dos2UnixMd5() : null;
  if (legacy) hashes.push(legacy);
  let size = 0;
  // A small file (most of a folder of shards or images) is read in one synchronous call: for many small files
  // the thread-pool round trips of async open/fstat/read/close cost more than the reads (about 2x here).
  const small = options.size !== undefined ? options.size <= WHOLE_READ_LIMIT : statSync(path).size <= WHOLE_READ_LIMIT;
  if (small) {
    const bytes = readFileSync(path);
    size = bytes.length;
    for (const h of hashes) h.update(bytes);
  } else {
    for await (const chunk of createReadStream(path, { highWaterMark: DVC_CHUNK_SIZE })) {
      size += (chunk as Buffer).length;
      for (const h of hashes) h.update(chunk as Buffer);
    }
  }
  const [sha256, md5] = [(hashes[0] as Hash).digest('hex'), (hashes[1] as Hash).digest('hex')];
  return { sha256, md5, ...(legacy ? { md5Dos2unix: legacy.digest() } : {}), size };
}

/** md5-dos2unix of bytes in memory (a `.dir` manifest, a test's fixture). */
export function md5Dos2unixOf(bytes: Uint8Array): string {
  const h = new Dos2UnixMd5();
  h.update(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return h.digest();
}

/** Code-point order (Python's `str` order): UTF-8 byte order is code-point order, UTF-16 unit order is not. */
export function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A string as Python's `json.dumps` writes it (ensure_ascii): every code unit outside space..~ escaped. */
export function pythonJsonString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) out += value[i];
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else out += `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/**
 * DVC's `.dir` md5 of a directory from its files' md5s (of the kind the directory is hashed with), as
 * `<32 hex>.dir`. `entries` need not be sorted; relpaths use `/`. The manifest is hashed incrementally, so
 * memory is the entry list itself, not a second copy of the manifest.
 */
export function dvcDirMd5(entries: ReadonlyArray<{ relpath: string; md5: string }>, sorted = false): string {
  const list = sorted ? entries : [...entries].sort((a, b) => compareCodePoints(a.relpath, b.relpath));
  // The manifest is ASCII JSON (non-ASCII is escaped, a CR inside a name is written \r), so dos2unix leaves it
  // as it is: the md5 and md5-dos2unix of the manifest are the same, and one md5 serves both kinds.
  const md5 = createHash('md5');
  md5.update('[');
  list.forEach((e, i) => md5.update(`${i ? ', ' : ''}{"md5": ${pythonJsonString(e.md5)}, "relpath": ${pythonJsonString(e.relpath)}}`));
  md5.update(']');
  return `${md5.digest('hex')}.dir`;
}
