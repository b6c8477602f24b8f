import { quoteForDisplay } from './display';

// Keys of Frictionless Table Schema (v1 and v2) and mlci's own. A key outside these is most likely a typo
// ("contraints", "requried") whose check would silently not run, so it is reported, not skipped quietly.
const TOP = ['fields', 'missingValues', 'primaryKey', 'mlci', '$schema', '$comment', 'name', 'title', 'description', 'profile'];
const TOP_UNCHECKED = ['foreignKeys', 'uniqueKeys', 'fieldsMatch'];
const FIELD = [
  'name',
  'type',
  'constraints',
  'trueValues',
  'falseValues',
  'mlci',
  'title',
  'description',
  'example',
  'rdfType',
  '$comment',
];
const FIELD_UNCHECKED = ['format', 'bareNumber', 'decimalChar', 'groupChar', 'missingValues', 'categories', 'categoriesOrdered'];
const TABLE_MLCI = ['minRows', 'maxRows', 'rowSchema', 'maxRecordLength', 'maxFieldLength'];
const FIELD_MLCI = ['mostly', 'maxMissingShare'];
const CONSTRAINTS = [
  'required',
  'unique',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
];
/** Constraints mlci accepts but does not check. */
const CONSTRAINTS_UNCHECKED = ['jsonSchema'];

/**
 * Edit distance with transpositions (optimal string alignment), case-insensitive, for did-you-mean; only
 * short keys are compared (a hostile key is not worth a quadratic loop).
 */
function distance(x: string, y: string): number {
  const a = x.toLowerCase();
  const b = y.toLowerCase();
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
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
  const check = (object: unknown, where: string, known: string[], unchecked: string[] = [], misplaced: string[] = []) => {
    if (!isObject(object)) return;
    for (const key of Object.keys(object)) {
      if (known.includes(key)) continue;
      const at = `${file}: ${where}${quoteForDisplay(key)}`;
      if (unchecked.includes(key)) {
        warnings.push(`${at} is Table Schema but not checked by mlci (ignored)`);
        continue;
      }
      // A constraint written beside "type" instead of under "constraints" is a common slip.
      const near = closest(key, [...known, ...unchecked, ...misplaced]);
      const suggestion = !near
        ? ''
        : misplaced.includes(near)
          ? `; did you mean "constraints": {"${near}": …}?`
          : `; did you mean "${near}"?`;
      warnings.push(`${at} is not a key mlci knows (ignored)${suggestion}`);
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
      check(field, `fields[${i}].`, field.format === 'default' ? [...FIELD, 'format'] : FIELD, FIELD_UNCHECKED, CONSTRAINTS);
      check(field.mlci, `fields[${i}].mlci.`, FIELD_MLCI);
      if (isObject(field.constraints))
        for (const key of CONSTRAINTS_UNCHECKED)
          if (key in field.constraints)
            warnings.push(`${file}: fields[${i}].constraints."${key}" is Table Schema but not checked by mlci (ignored)`);
    });
  }
  return warnings.slice(0, 50);
}
