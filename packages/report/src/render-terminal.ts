/** The comparison in a terminal: aligned columns, ▲▼ arrows, colour only when wanted (NO_COLOR respected). */
import { sanitizeText, sparkline } from '@mlci/core';
import type { ComparisonResult, MetricComparison } from './compare';
import { metricValue, num, percent, signed } from './escape';

export interface TerminalOptions {
  /** Use ANSI colours. @default stdout is a TTY and NO_COLOR is unset */
  colour?: boolean;
}

// Names come from runs a pull request recorded: no escape sequence, control or bidi character reaches the terminal.
const strip = (s: string) => sanitizeText(s);
const verdictWord = (m: MetricComparison) => (m.verdict === null ? 'changed' : m.verdict) + (m.gated ? ' (gated)' : '');

export function formatComparison(r: ComparisonResult, options: TerminalOptions = {}): string {
  const useColour = options.colour ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  const paint = (code: string, s: string) => (useColour ? `\u001b[${code}m${s}\u001b[0m` : s);
  const tone = (m: MetricComparison, s: string) =>
    m.verdict === 'regressed' || (m.verdict === 'missing' && m.gated)
      ? paint('31', s)
      : m.verdict === 'improved'
        ? paint('32', s)
        : m.verdict === 'within-noise'
          ? paint('33', s)
          : s;
  const lines: string[] = [];
  const head =
    r.outcome === 'fail'
      ? paint('31;1', `✗ ${r.regressions.length} gated regression(s): ${r.regressions.map(strip).join(', ')}`)
      : r.outcome === 'warn'
        ? paint('33;1', '! regressions in ungated metrics')
        : paint('32;1', '✓ no gated regressions');
  lines.push(head);
  lines.push(
    `candidate ${strip(r.candidate.name)} (${r.candidate.id.slice(0, 8)})` +
      (r.baseline ? ` vs ${strip(r.baseline.label)} (${r.baseline.id.slice(0, 8)})` : ' (no baseline)'),
  );
  if (r.sweep && r.sweep.ranked.length > 1) {
    lines.push('', `sweep ranked by ${strip(r.sweep.metric)} (${r.sweep.direction} is better):`);
    for (const x of r.sweep.ranked.slice(0, 20))
      lines.push(
        `  ${String(x.rank).padStart(3)}. ${x.id.slice(0, 8)}  ${num(x.value).padStart(10)}  ${strip(x.name)}${x.id === r.bestRun ? '  ← best' : ''}`,
      );
  }
  for (const n of r.notes) lines.push(paint('2', `note: ${strip(n)}`));
  const rows = r.metrics.map((m) => [
    strip(m.key),
    metricValue(m.baseline),
    metricValue(m.candidate),
    `${m.delta === null || m.delta === 0 ? ' ' : m.delta > 0 ? '▲' : '▼'} ${signed(m.delta)}`,
    percent(m.relativeDelta),
    verdictWord(m),
    m.ci ? `CI ${signed(m.ci.low, 3)}…${signed(m.ci.high, 3)}` : '',
    sparkline(m.curve.candidate ?? [], 16),
  ]);
  const header = ['metric', 'baseline', 'candidate', 'Δ', 'Δ%', 'verdict', 'noise', 'curve'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const fmt = (row: string[]) =>
    row
      .map((c, i) => (i >= 1 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  lines.push('', paint('1', fmt(header)));
  r.metrics.forEach((m, i) => lines.push(tone(m, fmt(rows[i]))));
  return lines.join('\n');
}
