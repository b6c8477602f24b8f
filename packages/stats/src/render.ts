import { escapeMarkdown, markdownTable } from '@mlci/core';
import { comparedColumns, type ColumnDrift, type DriftResult } from './drift';

const BARS = ' ▏▎▍▌▋▊▉█';

/** A horizontal bar of `share` (0..1) scaled so `max` fills `width` cells, with eighth-cell resolution. */
export function bar(share: number, max: number, width = 20): string {
  const eighths = Math.round((max > 0 ? share / max : 0) * width * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + (eighths % 8 ? BARS[eighths % 8] : '');
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number | null | undefined) => (x === null || x === undefined ? '–' : Number(x.toPrecision(3)).toString());

/** Empty shares "ref → now" when either side has empty cells (a surge marked), else ''. */
export function missingFigure(c: ColumnDrift): string {
  const m = c.missingShare;
  if (!m || (m.reference === 0 && m.current === 0)) return '';
  return `${pct(m.reference)} → ${pct(m.current)}${m.surged ? ' (surge)' : ''}`;
}

/** The decisive figure as "name value (threshold)". */
export function decisiveFigure(c: ColumnDrift): string {
  switch (c.test) {
    case 'ks':
      return c.ks?.pValueInterval
        ? `KS p in [${num(c.ks.pValueInterval[0])}, ${num(c.ks.pValueInterval[1])}] from sketches (< ${c.threshold} drifts${c.ks.inconclusive ? '; inconclusive' : ''})`
        : `KS p=${num(c.ks?.pValue)} (< ${c.threshold} drifts)`;
    case 'chi_square':
      return `χ² p=${num(c.chiSquare?.pValue)} (< ${c.threshold} drifts)`;
    case 'wasserstein':
      return `Wasserstein/σ=${num(c.wasserstein)} (≥ ${c.threshold} drifts)`;
    case 'psi':
      return `PSI=${num(c.psi)} (≥ ${c.threshold} drifts)`;
    case 'jensen_shannon':
      return `JS₂=${num(c.jensenShannon)} (≥ ${c.threshold} drifts)`;
    default:
      return 'not compared';
  }
}

/** Reference vs current shares per bin as two rows of bars: a chart that reads at a glance, in plain text. */
export function histogramChart(c: ColumnDrift, escape: (s: string) => string = (s) => s): string[] {
  const max = Math.max(...c.histogram.reference, ...c.histogram.current, 0);
  const width = Math.max(...c.histogram.labels.map((l) => l.length), 4);
  return c.histogram.labels.map(
    (label, i) =>
      `${escape(label.padEnd(width).slice(0, 24))} ref ${bar(c.histogram.reference[i], max, 12).padEnd(12)} ${pct(c.histogram.reference[i]).padStart(6)} │ now ${bar(c.histogram.current[i], max, 12).padEnd(12)} ${pct(c.histogram.current[i]).padStart(6)}`,
  );
}

export function driftHeadline(r: DriftResult): string {
  const compared = comparedColumns(r).length;
  return `${r.driftedColumns.length} of ${compared} columns drifted (share ${pct(r.driftShare)})${r.target ? `; target ${r.target.checks.filter((c) => c.outcome === 'fail').length ? 'checks failed' : 'checks passed'}` : ''}`;
}

export function driftText(r: DriftResult): string {
  const lines = [`${r.outcome.toUpperCase()} ${driftHeadline(r)}`, ''];
  for (const c of r.columns)
    lines.push(
      `  ${c.drifted ? 'DRIFT' : 'ok   '} ${c.column.padEnd(20).slice(0, 20)} ${c.kind.padEnd(11)} ${decisiveFigure(c)}  PSI=${num(c.psi)} JS₂=${num(c.jensenShannon)}${missingFigure(c) ? `  empty ${missingFigure(c)}` : ''}${c.reason ? `\n          ${c.reason}` : ''}`,
    );
  for (const c of r.columns.filter((x) => x.drifted)) lines.push('', `  ${c.column}:`, ...histogramChart(c).map((l) => `    ${l}`));
  for (const t of r.target?.checks ?? []) lines.push(`  ${t.outcome.toUpperCase().padEnd(4)} target ${t.check}: ${t.message}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

/** The job-summary section. Column names, labels and categories come from the data: all escaped. */
export function driftMarkdown(r: DriftResult): string {
  const icon = r.outcome === 'pass' ? '✅' : r.outcome === 'warn' ? '⚠️' : '❌';
  const parts = [`### ${icon} Distribution check: ${escapeMarkdown(driftHeadline(r))}`];
  parts.push(
    markdownTable(
      ['column', 'kind', 'drifted', 'decided by', 'KS p', 'χ² p', 'Wasserstein/σ', 'PSI', 'JS (base 2)', 'empty (ref → now)'],
      r.columns.map((c) => [
        escapeMarkdown(c.column),
        c.kind,
        c.drifted ? '**yes**' : 'no',
        escapeMarkdown(decisiveFigure(c) + (c.reason ? `: ${c.reason}` : '')),
        num(c.ks?.pValue),
        num(c.chiSquare?.pValue),
        num(c.wasserstein),
        num(c.psi),
        num(c.jensenShannon),
        missingFigure(c) || '–',
      ]),
    ),
  );
  for (const c of r.columns.filter((x) => x.drifted)) {
    // Inside <pre>, HTML escaping is what keeps the text inert; the bars are plain Unicode.
    const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/@/g, '@\u200b');
    parts.push(
      `<details open><summary>${escapeMarkdown(c.column)}: reference vs current</summary>\n\n<pre>\n${histogramChart(c, html).join('\n')}\n</pre>\n\n</details>`,
    );
  }
  if (r.target)
    parts.push(
      markdownTable(
        ['target check', 'outcome', 'detail'],
        r.target.checks.map((t) => [t.check, t.outcome, escapeMarkdown(t.message)]),
      ),
    );
  return parts.join('\n\n') + '\n';
}
