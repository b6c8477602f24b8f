/** Markdown for job summaries. Everything from a run (names, params, expressions) is escaped: it is untrusted. */
import { escapeMarkdown } from '@mlci/core';
import type { RunRecord } from '@mlci/store';
import type { GateResult } from './gate';
import { sparkline } from './view';

/** Text for a Markdown table cell, made inert (no HTML, table breaks or formatting): core's one escaper. */
export const escapeCell = (text: string): string => escapeMarkdown(text);

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : Number(n.toPrecision(4)).toString());

export function trainSummaryMarkdown(r: RunRecord): string {
  const icon = r.status === 'FINISHED' ? '✅' : '❌';
  const lines = [
    `### ${icon} Training run ${escapeCell(r.name)}`,
    '',
    `Run \`${r.id}\` ${r.status}${r.exitCode !== null ? ` (exit ${r.exitCode})` : ''} in ${r.endTime ? ((r.endTime - r.startTime) / 1000).toFixed(1) : '?'} s${r.lineage.git.commit ? ` at ${r.lineage.git.commit.slice(0, 12)}` : ''}.`,
    '',
  ];
  const metrics = Object.entries(r.metrics).filter(([k, p]) => !k.startsWith('system/') && p.length);
  if (metrics.length) {
    lines.push('| Metric | Last | Min | Max | Curve |', '| --- | ---: | ---: | ---: | --- |');
    for (const [k, points] of metrics) {
      const values = [...points].sort((a, b) => a.step - b.step).map((p) => p.value);
      lines.push(
        `| ${escapeCell(k)} | ${fmt(values[values.length - 1])} | ${fmt(Math.min(...values))} | ${fmt(Math.max(...values))} | ${values.length > 1 ? sparkline(values, 30) : ''} |`,
      );
    }
    lines.push('');
  }
  const params = Object.entries(r.params);
  if (params.length) {
    lines.push('<details><summary>Params</summary>', '', '| Param | Value |', '| --- | --- |');
    for (const [k, v] of params) lines.push(`| ${escapeCell(k)} | ${escapeCell(v)} |`);
    lines.push('', '</details>', '');
  }
  if (r.lineage.datasets.length) {
    lines.push('| Dataset | SHA-256 | DVC md5 |', '| --- | --- | --- |');
    for (const d of r.lineage.datasets) lines.push(`| ${escapeCell(d.path)} | \`${d.sha256.slice(0, 12)}\` | \`${d.dvcMd5 ?? '-'}\` |`);
    lines.push('');
  }
  return lines.join('\n');
}

export function gateSummaryMarkdown(result: GateResult): string {
  const failed = result.assertions.filter((a) => !a.passed).length;
  const lines = [
    `### ${result.outcome === 'pass' ? '✅' : '❌'} Overfit gate: ${failed ? `${failed} of ${result.assertions.length} assertions failed` : 'all assertions hold'}`,
    '',
    `Run \`${result.runId}\` (${escapeCell(result.runName)})`,
    '',
    '| Result | Assertion | Evaluated |',
    '| --- | --- | --- |',
  ];
  for (const a of result.assertions)
    lines.push(`| ${a.passed ? 'pass' : '**FAIL**'} | ${escapeCell(a.expression)} | ${escapeCell(a.evaluated)} |`);
  return lines.join('\n') + '\n';
}
