/** Zips built byte by byte for tests of what mlci refuses in an artifact (links, escaping paths, lying sizes). */
import { deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: string | Buffer;
  /** Unix mode kept in the external attributes (`zip -y` writes 0o120777 for a link). @default 0o100644 */
  mode?: number;
  /** 0 stored, 8 deflate. @default 0 */
  method?: 0 | 8;
  /** General-purpose flags (bit 0: encrypted). @default 0 */
  flags?: number;
}

/** A zip "made by" Unix holding `entries` in order (CRCs zero: mlci's reader checks sizes and hashes instead). */
export function zipOf(entries: ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const data = Buffer.from(e.data);
    const method = e.method ?? 0;
    const body = method === 8 ? deflateRawSync(data) : data;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    // The fields both headers carry: the central directory holds each two bytes further on.
    const shared: Array<[value: number, at: number, bytes: 2 | 4]> = [
      [e.flags ?? 0, 6, 2],
      [method, 8, 2],
      [body.length, 18, 4],
      [data.length, 22, 4],
      [name.length, 26, 2],
    ];
    for (const [value, at, bytes] of shared) {
      for (const [header, shift] of [
        [local, 0],
        [central, 2],
      ] as const) {
        if (bytes === 2) header.writeUInt16LE(value, at + shift);
        else header.writeUInt32LE(value, at + shift);
      }
    }
    central.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
