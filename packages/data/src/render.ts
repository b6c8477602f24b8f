import { escapeMarkdown, markdownTable } from '@mlci/core';
import type { ValidationResult } from './validate';

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** One line a reader takes in first: the verdict and the counts. */
export function validationHeadline(r: ValidationResult): string {
  const failedFields = r.fields.filter((f) => f.outcome === 'fail').length;
  const failedTable = r.tableChecks.filter((t) => t.outcome === 'fail').length;
  return r.outcome === 'pass'
    ? `${r.file}: ${plural(r.rows, 'row')} valid${r.totals.total ? ` (${plural(r.totals.total, 'tolerated violation')})` : ''}`
    : `${r.file}: ${plural(r.totals.total, 'violation')} in ${plural(failedFields, 'field')}${failedTable ? `, ${plural(failedTable, 'table check')} failed` : ''} (${plural(r.rows, 'row')} read)`;
}

/** Rows of (field, constraint, count), sorted by count: the exact totals. */
export function totalsRows(r: ValidationResult): Array<[string, string, number]> {
  const rows: Array<[string, string, number]> = [];
  for (const [field, counts] of Object.entries(r.totals.byField))
    for (const [constraint, n] of Object.entries(counts)) rows.push([field, constraint, n]);
  return rows.sort((a, b) => b[2] - a[2] || a[0].localeCompare(b[0]));
}

/** The terminal report: headline, totals, table checks, then the first violations as file:line. */
export function validationText(r: ValidationResult, maxListed = 20): string {
  const lines = [`${r.outcome === 'pass' ? 'PASS' : 'FAIL'} ${validationHeadline(r)}`];
  for (const t of r.tableChecks) lines.push(`  ${t.outcome.toUpperCase().padEnd(4)} ${t.check}: ${t.message}`);
  const totals = totalsRows(r);
  if (totals.length) {
    lines.push('', '  field                constraint        count');
    for (const [field, constraint, n] of totals)
      lines.push(`  ${field.padEnd(20).slice(0, 20)} ${constraint.padEnd(17).slice(0, 17)} ${n}`);
    lines.push('');
    for (const v of r.violations.slice(0, maxListed))
      lines.push(`  ${v.file ?? r.file}:${v.line}: row ${v.row} ${v.field}: ${v.message}${v.tolerated ? ' (tolerated)' : ''}`);
    if (r.totals.total > Math.min(maxListed, r.violations.length))
      lines.push(
        `  … ${plural(r.totals.total - Math.min(maxListed, r.violations.length), 'more violation')} (--json lists ${r.violations.length})`,
      );
  }
  return lines.join('\n');
}

/** The job-summary section. Values and names come from the data: all escaped. */
export function validationMarkdown(r: ValidationResult, options: { notAnnotated?: number } = {}): string {
  const icon = r.outcome === 'pass' ? '✅' : '❌';
  const parts = [`### ${icon} Data validation: ${escapeMarkdown(validationHeadline(r))}`];
  if (r.tableChecks.length)
    parts.push(
      markdownTable(
        ['check', 'outcome', 'detail'],
        r.tableChecks.map((t) => [escapeMarkdown(t.check), t.outcome, escapeMarkdown(t.message)]),
      ),
    );
  const totals = totalsRows(r);
  if (totals.length)
    parts.push(
      markdownTable(
        ['field', 'constraint', 'violations'],
        totals.map(([f, c, n]) => [escapeMarkdown(f), escapeMarkdown(c), String(n)]),
        ['l', 'l', 'r'],
      ),
    );
  if (r.violations.length) {
    // Merged from shards of several files: a file column first.
    const byFile = r.violations.some((v) => v.file !== undefined);
    const rows = r.violations.map((v) => [
      ...(byFile ? [escapeMarkdown(v.file ?? r.file)] : []),
      String(v.line),
      String(v.row),
      escapeMarkdown(v.field),
      escapeMarkdown(v.constraint),
      escapeMarkdown(v.message) + (v.tolerated ? ' (tolerated)' : ''),
    ]);
    parts.push(
      `<details${r.outcome === 'fail' ? ' open' : ''}><summary>${r.violations.length} of ${r.totals.total} violations${options.notAnnotated ? ` (${options.notAnnotated} not annotated: GitHub shows at most 10 error annotations per step)` : ''}</summary>\n\n${markdownTable([...(byFile ? ['file'] : []), 'line', 'row', 'field', 'constraint', 'detail'], rows, byFile ? ['l', 'r', 'r'] : ['r', 'r'])}\n\n</details>`,
    );
  }
  return parts.join('\n\n') + '\n';
}
