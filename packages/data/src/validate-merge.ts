/**
 * Joins the partial validations of consecutive parts of one table (or of several files read as one) into
 * what validating it whole gives: the same totals, the same first violations in file order, the same
 * messages. Rows and lines of each part are shifted by the parts before it. A value repeated across parts
 * (`unique`, `primaryKey`) is found by looking each part's hash set up in the union of the earlier ones.
 */
import { HashSet64 } from './hash-set';
import type { PartialValidation, PartViolation } from './validate-part';

/** Where a part sits in the whole: rows and lines before it. */
export interface PartPlace {
  rowOffset: number;
  lineOffset: number;
}

/** A repeat found across parts: the part's first occurrence of a value an earlier part holds. */
export interface CrossRepeat {
  part: number;
  /** Set index: the field's index, or the number of fields for a composite key. */
  set: number;
  /** Row and line in the whole. */
  row: number;
  line: number;
  firstRow: number;
  firstLine: number;
  /** The value's hash (a later merge of shards looks it up again). */
  h1: number;
  h2: number;
}

export interface MergedValidation {
  rows: number;
  fields: { present: number; missing: number; failedRows: number }[];
  total: number;
  byField: Record<string, Record<string, number>>;
  /**
   * The first violations in file order, rows and lines in the whole; repeats carry their first occurrence.
   * Merged from shards of several files: each names its `file`, and a repeat the `firstFile` it repeats.
   */
  sample: (PartViolation & { firstRow?: number; firstLine?: number; file?: string; firstFile?: string })[];
  /** Repeats across parts that made it into the sample and still need their value (see `fillRepeats`). */
  unfilled: { violation: PartViolation; repeat: CrossRepeat }[];
  /** Per set index: the union of the parts' hash sets (first rows and lines in the whole), for a later merge. */
  unions: Map<number, HashSet64>;
}

const U32 = 0xffffffff;
const shift = (value: number, offset: number, max = U32) => (value === 0 || value + offset > max ? 0 : value + offset);

/**
 * Merges parts in file order. `setNames[i]` names set i's field (as `byField` counts it) and its constraint;
 * `fieldCount` tells field sets (whose repeats fail a row of that field) from the composite key's.
 */
export function mergeParts(
  parts: PartialValidation[],
  places: PartPlace[],
  sampleSize: number,
  setNames: Record<number, { field: string; constraint: string; order: number }>,
  fieldCount: number,
): MergedValidation {
  const first = parts[0];
  const fields = first.fields.map(() => ({ present: 0, missing: 0, failedRows: 0 }));
  const byField: Record<string, Record<string, number>> = {};
  let total = 0;
  let rows = 0;
  for (const part of parts) {
    rows += part.rows;
    total += part.total;
    part.fields.forEach((f, i) => {
      fields[i].present += f.present;
      fields[i].missing += f.missing;
      fields[i].failedRows += f.failedRows;
    });
    for (const [field, counts] of Object.entries(part.byField)) {
      const into = (byField[field] ??= {});
      for (const [constraint, n] of Object.entries(counts)) into[constraint] = (into[constraint] ?? 0) + n;
    }
  }

  // The union of the sets, part by part: part 0's set becomes the union (its rows are already the file's).
  const unions = new Map<number, HashSet64>();
  const repeats: CrossRepeat[][] = parts.map(() => []);
  // Repeats inside a part name the part's first occurrence; the file's may lie in an earlier part.
  const firstInFile = parts.map(() => new Map<PartViolation, { row: number; line: number }>());
  for (const key of Object.keys(setNames).map(Number)) {
    let union: HashSet64 | null = null;
    parts.forEach((part, k) => {
      const exported = part.sets[key];
      if (!exported) return;
      const set = HashSet64.fromTable(exported);
      const { rowOffset, lineOffset } = places[k];
      if (!union) {
        // The first part that has the set: shift it in place if it is not the first part (0 rows before it).
        if (rowOffset !== 0 || lineOffset !== 0) {
          const shifted = new HashSet64(Math.max(16, 2 * set.size), true);
          set.forEach((h1, h2, row, line) => shifted.insert(h1, h2, shift(row, rowOffset), shift(line, lineOffset, 0x7fffffff)));
          union = shifted;
        } else union = set;
        for (const v of part.sample)
          if (v.first && v.order === key)
            firstInFile[k].set(v, { row: shift(v.first.row, rowOffset), line: shift(v.first.line, lineOffset, 0x7fffffff) });
        return;
      }
      const u: HashSet64 = union;
      for (const v of part.sample) {
        if (!v.first || v.order !== key) continue;
        const slot = u.find(v.first.h1, v.first.h2);
        firstInFile[k].set(
          v,
          slot >= 0
            ? { row: u.rowAt(slot), line: u.lineAt(slot) }
            : { row: shift(v.first.row, rowOffset), line: shift(v.first.line, lineOffset, 0x7fffffff) },
        );
      }
      const found: CrossRepeat[] = [];
      const name = setNames[key];
      set.forEach((h1, h2, row, line, flagged) => {
        const slot = u.find(h1, h2);
        if (slot >= 0) {
          found.push({
            part: k,
            set: key,
            row: row + rowOffset,
            line: line + lineOffset,
            firstRow: u.rowAt(slot),
            firstLine: u.lineAt(slot),
            h1,
            h2,
          });
          total++;
          const counts = (byField[name.field] ??= {});
          counts[name.constraint] = (counts[name.constraint] ?? 0) + 1;
          if (key < fieldCount && !flagged) fields[key].failedRows++;
        } else {
          u.insert(h1, h2, shift(row, rowOffset), shift(line, lineOffset, 0x7fffffff));
          if (flagged) u.flag(u.lastSlot);
        }
      });
      repeats[k].push(...found);
    });
    if (union) unions.set(key, union);
  }

  // The sample: each part's own (shifted) plus its cross-part repeats, in file order; the first sampleSize.
  const sample: MergedValidation['sample'] = [];
  const unfilled: MergedValidation['unfilled'] = [];
  for (let k = 0; k < parts.length && sample.length < sampleSize; k++) {
    const { rowOffset, lineOffset } = places[k];
    type Entry = { v: MergedValidation['sample'][number]; repeat?: CrossRepeat; seq: number };
    const entries: Entry[] = parts[k].sample.map((v, seq) => {
      const at = firstInFile[k].get(v);
      return {
        v: { ...v, row: v.row + rowOffset, line: v.line + lineOffset, ...(at ? { firstRow: at.row, firstLine: at.line } : {}) },
        seq,
      };
    });
    const own = entries.length;
    const cross = repeats[k].sort((a, b) => a.row - b.row).slice(0, sampleSize);
    cross.forEach((repeat, i) => {
      const name = setNames[repeat.set];
      entries.push({
        v: {
          row: repeat.row,
          line: repeat.line,
          field: name.field,
          constraint: name.constraint,
          value: null,
          message: '',
          order: name.order,
          first: { h1: repeat.h1, h2: repeat.h2, row: repeat.firstRow, line: repeat.firstLine },
          firstRow: repeat.firstRow,
          firstLine: repeat.firstLine,
        },
        repeat,
        seq: own + i,
      });
    });
    // Within a row: by check order; a repeat is the last check of its field, so it follows the field's others.
    if (cross.length > 0) entries.sort((a, b) => a.v.row - b.v.row || a.v.order - b.v.order || a.seq - b.seq);
    for (const e of entries) {
      if (sample.length >= sampleSize) break;
      sample.push(e.v);
      if (e.repeat) unfilled.push({ violation: e.v, repeat: e.repeat });
    }
  }
  return { rows, fields, total, byField, sample, unfilled, unions };
}
