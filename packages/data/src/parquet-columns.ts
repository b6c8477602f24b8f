/**
 * A direct decoder for flat (non-nested) Parquet column chunks: pages are decompressed and decoded with
 * hyparquet's own page readers, then written straight into one preallocated column per chunk, instead of
 * through hyparquet's list assembly (which pushes every value of an OPTIONAL column, i.e. every column polars
 * and pyarrow write, one by one onto a JS array of boxed values). Numbers stay in typed arrays, absent values
 * are a byte mask beside them, dictionaries are converted once and dereferenced per row, and INT64 becomes
 * Float64 without a BigInt per value. A row window [from, to) of the chunk can be asked for: pages wholly
 * outside it are skipped without decompressing them, so one row group can be read in parts by several threads.
 *
 * The values are those hyparquet's `parquetRead` gives (the same `convert`, parsers and dictionary), after the
 * same normalisation as before: INT64 → number, Date → ISO string, undefined → null.
 */
import { parquetHeader } from 'hyparquet/src/column.js';
import { DEFAULT_PARSERS, convert } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { getMaxDefinitionLevel, getMaxRepetitionLevel, isFlatColumn } from 'hyparquet/src/schema.js';
import type { ColumnMetaData, Compressors, DataPageHeader, DecodedArray, ParquetParsers, SchemaTree } from 'hyparquet';

/** A decoded column window: `data[k]` is row `from + k`; where `nulls[k]` is 1 the value is absent (typed data only). */
export interface DecodedColumn {
  data: ArrayLike<unknown>;
  nulls: Uint8Array | null;
}

type Typed = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/** What hyparquet's page readers and `convert` read from a column decoder. */
interface Decoder {
  pathInSchema: string[];
  element: SchemaTree['element'];
  schemaPath: SchemaTree[];
  type: ColumnMetaData['type'];
  codec: ColumnMetaData['codec'];
  compressors: Compressors;
  parsers: ParquetParsers;
  utf8: boolean;
}

/** Whether the direct decoder reads this column (flat, no repetition); else hyparquet's parquetRead does. */
export function isDirectColumn(schemaPath: SchemaTree[]): boolean {
  return isFlatColumn(schemaPath) && getMaxRepetitionLevel(schemaPath) === 0 && getMaxDefinitionLevel(schemaPath) <= 1;
}

const isTyped = (data: unknown): data is Typed => ArrayBuffer.isView(data) && !(data instanceof DataView);

/**
 * Decoded values as validation reads them: BigInt arrays become Float64Array, other typed arrays stay, arrays get
 * bigint → number, Date → ISO string, undefined → null (what parquet.ts's readers did per chunk).
 */
export function normalize(data: DecodedArray | unknown[]): ArrayLike<unknown> {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return bigToFloat(data);
  if (isTyped(data)) return data;
  const array = data as unknown[];
  const n = array.length;
  let k = 0;
  while (k < n) {
    const v = array[k];
    if (v === undefined || typeof v === 'bigint' || v instanceof Date) break;
    k++;
  }
  if (k === n) return array;
  const out = array.slice();
  for (let i = k; i < n; i++) {
    const v = out[i];
    out[i] = typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : (v ?? null);
  }
  return out;
}

/**
 * INT64 as doubles without a BigInt per value: hi · 2³² + lo is exact below 2⁵³ and, above, one rounding of the
 * exact sum (hi · 2³² and lo are both exact doubles), the same round-to-nearest-even as Number(bigint).
 */
function bigToFloat(data: BigInt64Array | BigUint64Array): Float64Array {
  const n = data.length;
  const out = new Float64Array(n);
  const words = new Int32Array(data.buffer, data.byteOffset, n * 2);
  if (data instanceof BigInt64Array) {
    for (let i = 0; i < n; i++) out[i] = words[2 * i + 1] * 4294967296 + (words[2 * i] >>> 0);
  } else {
    for (let i = 0; i < n; i++) out[i] = (words[2 * i + 1] >>> 0) * 4294967296 + (words[2 * i] >>> 0);
  }
  return out;
}

/** The page readers assume a little-endian host, as does this (every platform Node runs on is). */
export function columnDecoder(
  schemaPath: SchemaTree[],
  meta: ColumnMetaData,
  compressors: Compressors,
  parsers: Partial<ParquetParsers>,
): Decoder {
  return {
    pathInSchema: meta.path_in_schema,
    element: schemaPath[schemaPath.length - 1].element,
    schemaPath,
    type: meta.type,
    codec: meta.codec,
    compressors,
    // Merged as parquetRead merges them, so a partial parsers object keeps the defaults.
    parsers: { ...DEFAULT_PARSERS, ...parsers },
    utf8: true,
  };
}

/**
 * A version-1 data page of a flat column with the common encodings (PLAIN, dictionary), its definition levels
 * decoded into bytes, or not at all when one run says every value is present (what a column without nulls
 * has); null for the rest, which hyparquet's readDataPage reads. Levels as hyparquet gives them: empty when no
 * value is absent.
 */
function readFlatPage(
  raw: Uint8Array,
  daph: DataPageHeader,
  decoder: Decoder,
  maxDefinition: number,
): { definitionLevels: ArrayLike<number>; dataPage: DecodedArray } | null {
  const dictionaryEncoded = daph.encoding === 'PLAIN_DICTIONARY' || daph.encoding === 'RLE_DICTIONARY';
  if (decoder.type === 'BOOLEAN' || (daph.encoding !== 'PLAIN' && !dictionaryEncoded)) return null;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const reader = { view, offset: 0 };
  const count = daph.num_values;
  let definitionLevels: Uint8Array = EMPTY;
  let nulls = 0;
  if (maxDefinition === 1) {
    const length = view.getUint32(0, true);
    reader.offset = 4;
    // One RLE run (header count << 1, then a byte of value 1) covering the page: no value is absent.
    let header = 0;
    let shift = 0;
    let at = 4;
    for (;;) {
      const byte = view.getUint8(at++);
      header |= (byte & 0x7f) << shift;
      if (!(byte & 0x80)) break;
      shift += 7;
    }
    if (!((header & 1) === 0 && header >>> 1 >= count && view.getUint8(at) === 1)) {
      definitionLevels = new Uint8Array(count);
      readRleBitPackedHybrid(reader, 1, definitionLevels, length);
      for (let i = 0; i < count; i++) if (definitionLevels[i] !== 1) nulls++;
      if (nulls === 0) definitionLevels = EMPTY;
    }
    reader.offset = 4 + length;
  }
  const values = count - nulls;
  let dataPage: DecodedArray;
  if (!dictionaryEncoded) dataPage = readPlain(reader, decoder.type, values, decoder.element.type_length);
  else {
    const bitWidth = view.getUint8(reader.offset++);
    if (bitWidth > 31) return null;
    dataPage = bitWidth ? new Int32Array(values) : new Uint8Array(values);
    if (bitWidth) readRleBitPackedHybrid(reader, bitWidth, dataPage, view.byteLength - reader.offset);
  }
  return { definitionLevels, dataPage };
}

const EMPTY = new Uint8Array(0);

/** The column being filled: typed with a null mask, or a plain array holding null. */
class Filler {
  data: Typed | unknown[] | null = null;
  nulls: Uint8Array | null = null;
  constructor(readonly length: number) {}

  /** Makes sure the column can hold values like `sample` (a typed column turns into an array if they differ). */
  prepare(sample: ArrayLike<unknown>): void {
    if (this.data === null) {
      this.data = isTyped(sample)
        ? new (sample.constructor as new (n: number) => Typed)(this.length)
        : new Array<unknown>(this.length).fill(null);
    } else if (isTyped(this.data) && !(isTyped(sample) && sample.constructor === this.data.constructor)) {
      const array: unknown[] = Array.from(this.data);
      if (this.nulls) for (let i = 0; i < array.length; i++) if (this.nulls[i]) array[i] = null;
      this.data = array;
      this.nulls = null;
    }
  }

  setNull(k: number): void {
    if (isTyped(this.data)) (this.nulls ??= new Uint8Array(this.length))[k] = 1;
    else (this.data as unknown[])[k] = null;
  }

  result(): DecodedColumn {
    const data = this.data ?? new Array<unknown>(this.length).fill(null);
    return { data, nulls: isTyped(data) ? this.nulls : null };
  }
}

/**
 * Decodes rows [from, to) of a flat column chunk (`bytes` from its first page to its end; `rows` rows in all).
 * Throws on a malformed chunk (the caller names the file and rows).
 */
export function decodeColumnChunk(bytes: Uint8Array, decoder: Decoder, rows: number, from = 0, to = rows): DecodedColumn {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = { view, offset: 0 };
  const filler = new Filler(to - from);
  const maxDefinition = getMaxDefinitionLevel(decoder.schemaPath);
  let dictionary: ArrayLike<unknown> | undefined;
  let row = 0;
  while (row < to && reader.offset < bytes.byteLength - 1) {
    const header = parquetHeader(reader);
    const start = reader.offset;
    reader.offset += header.compressed_page_size;
    const compressed = bytes.subarray(start, start + header.compressed_page_size);
    let count: number;
    let page: { definitionLevels?: ArrayLike<number>; dataPage: DecodedArray };
    let encoding: string;
    if (header.type === 'DICTIONARY_PAGE') {
      const size = Number(header.uncompressed_page_size);
      const raw = decompressPage(compressed, size, decoder.codec, decoder.compressors);
      const values = readPlain(
        { view: new DataView(raw.buffer, raw.byteOffset, raw.byteLength), offset: 0 },
        decoder.type,
        header.dictionary_page_header!.num_values,
        decoder.element.type_length,
      );
      dictionary = normalize(convert(values, decoder as never));
      continue;
    } else if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header!;
      count = daph.num_values;
      encoding = daph.encoding;
      if (row + count <= from) {
        row += count;
        continue;
      }
      const raw = decompressPage(compressed, Number(header.uncompressed_page_size), decoder.codec, decoder.compressors);
      page = readFlatPage(raw, daph, decoder, maxDefinition) ?? readDataPage(raw, daph, decoder as never);
    } else if (header.type === 'DATA_PAGE_V2') {
      const daph2 = header.data_page_header_v2!;
      count = daph2.num_rows;
      encoding = daph2.encoding;
      if (row + count <= from) {
        row += count;
        continue;
      }
      page = readDataPageV2(compressed, header, decoder as never);
    } else continue; // an index page: nothing to read
    const defs: ArrayLike<number> = page.definitionLevels ?? [];
    const hasNulls = defs.length > 0;
    const lo = Math.max(from, row);
    const hi = Math.min(to, row + count);
    if (dictionary && encoding.endsWith('_DICTIONARY')) {
      const indices = page.dataPage as ArrayLike<number>;
      filler.prepare(dictionary);
      const out = filler.data as unknown[];
      const dict = dictionary as unknown[];
      if (!hasNulls) {
        for (let r = lo; r < hi; r++) out[r - from] = dict[indices[r - row]];
      } else {
        let v = 0;
        for (let r = row; r < hi; r++) {
          if (defs[r - row] === maxDefinition) {
            if (r >= lo) out[r - from] = dict[indices[v]];
            v++;
          } else if (r >= lo) filler.setNull(r - from);
        }
      }
    } else {
      const values = normalize(convert(page.dataPage, decoder as never)) as ArrayLike<unknown>;
      filler.prepare(values);
      const out = filler.data as unknown[];
      if (!hasNulls) {
        if (isTyped(out) && isTyped(values) && values.length >= hi - row) {
          (out as Typed).set((values as Typed).subarray(lo - row, hi - row) as never, lo - from);
        } else {
          for (let r = lo; r < hi; r++) out[r - from] = values[r - row];
        }
      } else {
        let v = 0;
        for (let r = row; r < hi; r++) {
          if (defs[r - row] === maxDefinition) {
            if (r >= lo) out[r - from] = values[v];
            v++;
          } else if (r >= lo) filler.setNull(r - from);
        }
      }
    }
    row += count;
  }
  if (row < Math.min(to, rows)) throw new Error(`column ${decoder.pathInSchema.join('.')} ends after ${row} of ${rows} rows`);
  return filler.result();
}
