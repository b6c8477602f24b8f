import { quoteForDisplay } from './display';

// Keys of Frictionless Table Schema (v1 and v2) and mlci's own. A key outside these is most likely a typo
// ("contraints", "requried") whose check would silently not run, so it is reported, not skipped quietly.
const TOP = ['fields', 'missingValues', 'primaryKey', 'mlci', '$schema', '$comment', 'name', 'title', 'description', 'profile'];
const TOP_UNCHECKED = ['foreignKeys', 'uniqueKeys', 'fieldsMatch'];
const FIELD = ['name', 'type', 'constraints', 'trueValues', 'falseValues', 'mlci', 'title', 'description', 'example', 'rdfType', '$comment'];
const FIELD_UNCHECKED = ['format', 'bareNumber', 'decimalChar', 'groupChar', 'missingValues', 'categories', 'categoriesOrdered'];
const TABLE_MLCI = ['minRows', 'maxRows', 'rowSchema', 'maxRecordLength', 'maxFieldLength'];
const FIELD_MLCI = ['mostly', 'maxMissingShare'];
/** Constraints mlci accepts but does not check. */
const CONSTRAINTS_UNCHECKED = ['jsonSchema'];

/** Edit distance, for did-you-mean; only short keys are compared (a hostile key is not worth a quadratic loop). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The known key `key` is most likely a misspelling of, if any is close enough. */
export function closest(key: string, known: Iterable<string>): string | undefined {
  if (key.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(key, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/**
 * Warnings for a Table Schema's keys that mlci does not know (with a did-you-mean) or knows but does not
 * check, each naming the schema file and where the key is. The schema is still applied.
 */
export function lintTableSchema(doc: unknown, file: string): string[] {
  const warnings: string[] = [];
  const check = (object: unknown, where: string, known: string[], unchecked: string[] = []) => {
    if (!isObject(object)) return;
    for (const key of Object.keys(object)) {
      if (known.includes(key)) continue;
      const at = `${file}: ${where}${quoteForDisplay(key)}`;
      if (unchecked.includes(key)) {
        warnings.push(`${at} is Table Schema but not checked by mlci (ignored)`);
        continue;
      }
      const near = closest(key, [...known, ...unchecked]);
      warnings.push(`${at} is not a key mlci knows (ignored)${near ? `; did you mean "${near}"?` : ''}`);
      if (warnings.length >= 50) return;
    }
  };
  if (!isObject(doc)) return warnings;
  check(doc, '', TOP, TOP_UNCHECKED);
  check(doc.mlci, 'mlci.', TABLE_MLCI);
  if (Array.isArray(doc.fields)) {
    doc.fields.slice(0, 10_000).forEach((field, i) => {
      if (warnings.length >= 50 || !isObject(field)) return;
      // "format": "default" changes nothing; any other format (a date pattern, email) is not applied.
      check(field, `fields[${i}].`, field.format === 'default' ? [...FIELD, 'format'] : FIELD, FIELD_UNCHECKED);
      check(field.mlci, `fields[${i}].mlci.`, FIELD_MLCI);
      if (isObject(field.constraints)) for (const key of CONSTRAINTS_UNCHECKED) if (key in field.constraints) warnings.push(`${file}: fields[${i}].constraints."${key}" is Table Schema but not checked by mlci (ignored)`);
    });
  }
  return warnings.slice(0, 50);
}
