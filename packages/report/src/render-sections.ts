/**
 * One report section per mlci step, rendered from the step's JSON result. Results are read defensively
 * (they may come from an untrusted artifact in a workflow_run job): unknown shapes render as a plain
 * outcome line, and every string from them goes through escape.ts.
 */
import { sparkline, type Outcome } from '@mlci/core';
import type { ComparisonResult, MetricComparison } from './compare';
import { defaultDirection } from './compare-spec';
import { details, md, mdCode, mermaidLabel, metricValue, num, percent, signed } from './escape';

/** A rendered section of the PR report. `body` is Markdown already made safe. */
export interface ReportSection {
  /** Stable id, `[a-z0-9-]{1,40}`: validate, drift, train, gate, compare, or a custom step's. */
  id: string;
  /** Whether a failure here means bad data (⚠️ data problems) or a worse model (❌ regressions). */
  kind: 'data' | 'model';
  outcome: Outcome;
  /** Safe one-line Markdown: the section's heading text. */
  headline: string;
  /** Safe Markdown under the heading (tables, details, charts). */
  body: string;
}

/** Sections in the order a reviewer reads them; unknown ids follow, alphabetically. */
export const SECTION_ORDER = ['validate', 'drift', 'train', 'gate', 'compare', 'compare-main', 'compare-champion'];
export const SECTION_TITLES: Record<string, string> = {
  validate: 'Data validation',
  drift: 'Drift',
  train: 'Training',
  gate: 'Gates',
  compare: 'Comparison',
  'compare-main': 'Comparison with main',
  'compare-champion': 'Comparison with the champion',
};
export const SECTION_KIND: Record<string, 'data' | 'model'> = {
  validate: 'data',
  drift: 'data',
  train: 'model',
  gate: 'model',
  compare: 'model',
  'compare-main': 'model',
  'compare-champion': 'model',
};

const ICON: Record<Outcome, string> = { pass: '✅', warn: '⚠️', fail: '❌' };
export const outcomeIcon = (o: Outcome) => ICON[o] ?? '❔';

const asOutcome = (o: unknown): Outcome => (o === 'pass' || o === 'warn' || o === 'fail' ? o : 'warn');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a step's result JSON is read defensively, field by field
const obj = (v: unknown): Record<string, any> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : {});
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);
const n = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const ARROW = (m: MetricComparison) => {
  if (m.delta === null || m.delta === 0) return '';
  return m.delta > 0 ? '▲' : '▼';
};
const VERDICT_TEXT: Record<string, string> = {
  improved: '✅ improved',
  regressed: '❌ regressed',
  unchanged: '➖ unchanged',
  'within-noise': '〰️ within noise',
  new: '🆕 new',
  missing: '❔ missing',
};
export const verdictText = (m: MetricComparison) =>
  (m.verdict === null ? '· changed (no direction)' : VERDICT_TEXT[m.verdict]) +
  (m.gated && (m.verdict === 'regressed' || m.verdict === 'missing') ? ' (gated)' : '');

/** Metric rows shown before the fold: gated, regressed, improved, within noise, then the rest. */
const rowRank = (m: MetricComparison) =>
  m.gated && (m.verdict === 'regressed' || m.verdict === 'missing')
    ? 0
    : m.verdict === 'regressed'
      ? 1
      : m.gated
        ? 2
        : m.verdict === 'improved'
          ? 3
          : m.verdict === 'within-noise'
            ? 4
            : m.verdict === null
              ? 5
              : 6;

export interface MetricTableOptions {
  /** Rows shown before the rest fold into <details>. @default 15 */
  visibleRows?: number;
  /** Metrics listed at all (the rest are counted in a line). @default 1000 */
  maxRows?: number;
  /**
   * Characters the table may take; rows past it (least important first) are counted in a line instead, so
   * the comparison leaves room for the other sections under GitHub's limit.
   * @default 40,000
   */
  maxChars?: number;
}

function metricRow(m: MetricComparison): string {
  const ci = m.ci ? ` (${Math.round(m.ci.confidence * 100)}% CI ${signed(m.ci.low, 3)} … ${signed(m.ci.high, 3)})` : '';
  return `| ${md(m.key, 80)} | ${metricValue(m.baseline)} | ${metricValue(m.candidate)} | ${ARROW(m)} ${signed(m.delta)} | ${percent(m.relativeDelta)} | ${m.direction === 'neutral' ? '·' : m.direction === 'higher' ? '↑ better' : '↓ better'} | ${verdictText(m)}${ci} |`;
}
const TABLE_HEAD = '| metric | baseline | candidate | Δ | Δ% | direction | verdict |\n| --- | ---: | ---: | ---: | ---: | :---: | --- |';

/** The metric table: the rows that matter first, the rest folded. */
export function metricTable(metrics: MetricComparison[], options: MetricTableOptions = {}): string {
  if (!metrics.length) return '_No metrics were logged._';
  const visible = options.visibleRows ?? 15;
  const max = options.maxRows ?? 1000;
  const sorted = [...metrics].sort((a, b) => rowRank(a) - rowRank(b) || a.key.localeCompare(b.key));
  const budget = options.maxChars ?? 40_000;
  const shown: MetricComparison[] = [];
  let used = 0;
  for (const m of sorted.slice(0, max)) {
    used += metricRow(m).length + 1;
    if (used > budget) break;
    shown.push(m);
  }
  const head = shown.slice(0, visible);
  const rest = shown.slice(visible);
  const parts = [`${TABLE_HEAD}\n${head.map(metricRow).join('\n')}`];
  if (rest.length) parts.push(details(`${rest.length} more metrics`, `${TABLE_HEAD}\n${rest.map(metricRow).join('\n')}`));
  if (sorted.length > shown.length)
    parts.push(
      `_${sorted.length - shown.length} more metrics not listed here: see compare.json in the report artifact or \`mlci compare --json\`._`,
    );
  return parts.join('\n\n');
}

/** Training curves, candidate over baseline on a shared scale. */
export function curveTable(metrics: MetricComparison[], limit = 8): string {
  const rows = metrics.filter((m) => m.curve.candidate || m.curve.baseline).slice(0, limit);
  if (!rows.length) return '';
  const lines = ['| metric | candidate | baseline |', '| --- | --- | --- |'];
  for (const m of rows) {
    const all = [...(m.curve.candidate ?? []), ...(m.curve.baseline ?? [])];
    const range: [number, number] = [Math.min(...all), Math.max(...all)];
    lines.push(
      `| ${md(m.key, 60)} | ${sparkline(m.curve.candidate ?? [], 24, range) || '–'} | ${sparkline(m.curve.baseline ?? [], 24, range) || '–'} |`,
    );
  }
  return lines.join('\n');
}

export function compareSection(r: ComparisonResult, options: MetricTableOptions = {}): ReportSection {
  const counts = { improved: 0, regressed: 0, noise: 0 };
  for (const m of r.metrics) {
    if (m.verdict === 'improved') counts.improved++;
    if (m.verdict === 'regressed') counts.regressed++;
    if (m.verdict === 'within-noise') counts.noise++;
  }
  const against = r.baseline ? `against ${md(r.baseline.label)} (${mdCode(r.baseline.id.slice(0, 12))})` : 'with no baseline';
  const headline = r.regressions.length
    ? `${r.regressions.length} gated metric${r.regressions.length > 1 ? 's' : ''} regressed ${against}`
    : r.baseline
      ? `${counts.improved} improved, ${counts.regressed} regressed${counts.noise ? `, ${counts.noise} within noise` : ''} ${against}`
      : `no baseline yet: ${r.metrics.length} metric${r.metrics.length === 1 ? '' : 's'} shown alone`;
  const parts: string[] = [];
  parts.push(
    `Candidate ${md(r.candidate.name, 80)} (${mdCode(r.candidate.id.slice(0, 12))})${r.baseline ? ` vs ${md(r.baseline.name, 80)}` : ''}.`,
  );
  if (r.regressions.length) parts.push(`**Regressed (gated):** ${r.regressions.map((k) => mdCode(k, 80)).join(', ')}`);
  for (const note of r.notes) parts.push(`> ${md(note, 400)}`);
  if (r.sweep && r.sweep.ranked.length > 1) parts.push(sweepTable(r.sweep));
  parts.push(metricTable(r.metrics, options));
  if (r.noise && r.metrics.some((m) => m.noiseSource === 'accuracy')) {
    const z = r.noise;
    parts.push(
      details(
        'Noise estimate from per-example predictions',
        `Accuracy on ${z.shared} shared examples: ${num(z.baselineAccuracy)} → ${num(z.candidateAccuracy)} (${signed(z.delta)}). ` +
          `Paired bootstrap ${Math.round(z.ci.confidence * 100)}% CI of the change: ${signed(z.ci.low)} … ${signed(z.ci.high)} (${z.ci.resamples} resamples, seed ${z.ci.seed}). ` +
          `McNemar (${z.mcnemar.method === 'exact' ? 'exact binomial' : 'χ² with continuity correction'}): ${z.mcnemar.baselineOnly} examples only the baseline got right, ${z.mcnemar.candidateOnly} only the candidate; p = ${num(z.mcnemar.pValue, 3)}.` +
          (z.unmatched ? ` ${z.unmatched} examples were not in both files and were left out.` : '') +
          (r.withinNoise.length ? `\n\nWithin noise: ${r.withinNoise.map((k) => mdCode(k, 80)).join(', ')}.` : ''),
      ),
    );
  }
  const errorRows = r.metrics.filter((m) => m.noiseSource && m.noiseSource !== 'accuracy' && m.ci);
  if (errorRows.length) {
    const e = r.errorNoise?.[0];
    parts.push(
      details(
        'Noise estimate of regression errors from per-example predictions',
        errorRows
          .map(
            (m) =>
              `${mdCode(m.key, 80)}: ${Math.round(m.ci!.confidence * 100)}% CI of the change ${signed(m.ci!.low)} … ${signed(m.ci!.high)}${m.verdict === 'within-noise' ? ' (within noise)' : ''}`,
          )
          .join('  \n') +
          (e ? `\n\nPaired bootstrap on ${e.shared} shared examples (${e.ci.resamples} resamples, seed ${e.ci.seed}).` : ''),
      ),
    );
  }
  const curves = curveTable(r.metrics);
  if (curves) parts.push(details('Training curves (candidate vs baseline, shared scale)', curves));
  return { id: 'compare', kind: 'model', outcome: r.outcome, headline, body: parts.join('\n\n') };
}

/** A sweep's ranking (several candidate runs): the best is the one compared. */
export function sweepTable(
  ranking: { metric: string; direction: string; ranked: Array<{ id: string; name: string; value: number | null; rank: number }> },
  limit = 20,
): string {
  const rows = ranking.ranked
    .slice(0, limit)
    .map((r) => `| ${r.rank} | ${md(r.name, 60)} | ${mdCode(r.id.slice(0, 12))} | ${num(r.value)} |`);
  const more = ranking.ranked.length > limit ? `\n\n_${ranking.ranked.length - limit} more runs._` : '';
  return `Sweep of ${ranking.ranked.length} runs ranked by ${mdCode(ranking.metric, 80)} (${ranking.direction} is better):\n\n| rank | run | id | ${md(ranking.metric, 40)} |\n| ---: | --- | --- | ---: |\n${rows.join('\n')}${more}`;
}

/** data-schema-validate's result (validate.json). */
export function validateSection(result: unknown): ReportSection {
  const r = obj(result);
  const totals = obj(r.totals);
  const outcome = asOutcome(r.outcome);
  const total = n(totals.total) ?? 0;
  const headline = `${total ? `${total} violation${total === 1 ? '' : 's'}` : 'no violations'} in ${md(r.file ?? 'the data', 80)}${n(r.rows) !== null ? ` (${r.rows} rows)` : ''}`;
  const parts: string[] = [];
  const checks = arr(r.tableChecks).filter((c) => obj(c).outcome !== 'pass');
  if (checks.length)
    parts.push(
      `| check | outcome | detail |\n| --- | --- | --- |\n${checks
        .slice(0, 20)
        .map((c) => `| ${md(c.check, 60)} | ${md(c.outcome, 10)} | ${md(c.message, 200)} |`)
        .join('\n')}`,
    );
  const violations = arr(r.violations).slice(0, 50);
  if (violations.length) {
    const rows = violations.map(
      (v) =>
        `| ${n(v.line) ?? '–'} | ${md(v.field, 60)} | ${md(v.constraint, 40)} | ${md(v.message, 160)}${v.tolerated ? ' (tolerated)' : ''} |`,
    );
    parts.push(
      details(
        `${violations.length} of ${total} violations`,
        `| line | field | constraint | detail |\n| ---: | --- | --- | --- |\n${rows.join('\n')}`,
        outcome === 'fail',
      ),
    );
  }
  return { id: 'validate', kind: 'data', outcome, headline, body: parts.join('\n\n') };
}

/** A Mermaid bar/line chart of reference vs current shares per bin for one drifted column. */
export function driftChart(column: unknown): string {
  const c = obj(column);
  const h = obj(c.histogram);
  const labels = arr(h.labels).slice(0, 20);
  const ref = arr(h.reference)
    .slice(0, labels.length)
    .map((x) => (n(x) ?? 0) * 100);
  const cur = arr(h.current)
    .slice(0, labels.length)
    .map((x) => (n(x) ?? 0) * 100);
  if (!labels.length || ref.length !== labels.length || cur.length !== labels.length) return '';
  const max = Math.max(1, ...ref, ...cur);
  const list = (xs: number[]) => xs.map((x) => String(Number(x.toFixed(2)))).join(', ');
  return [
    '```mermaid',
    'xychart-beta',
    `    title "${mermaidLabel(c.column)}: reference (bars) vs current (line), % of rows"`,
    `    x-axis [${labels.map((l) => `"${mermaidLabel(l)}"`).join(', ')}]`,
    `    y-axis "% of rows" 0 --> ${Math.ceil(max * 1.1)}`,
    `    bar [${list(ref)}]`,
    `    line [${list(cur)}]`,
    '```',
  ].join('\n');
}

/** A column's empty shares "ref → now" (a surge marked), or – when neither side has empty cells. */
function emptyShares(check: unknown): string {
  const m = obj(check);
  const [ref, cur] = [n(m.reference), n(m.current)];
  if (ref === null || cur === null || (ref === 0 && cur === 0)) return '–';
  return `${(ref * 100).toFixed(1)}% → ${(cur * 100).toFixed(1)}%${m.surged === true ? ' (surge)' : ''}`;
}

/** distribution-check's result (drift.json). */
export function driftSection(result: unknown): ReportSection {
  const r = obj(result);
  const columns = arr(r.columns).map(obj);
  const drifted = columns.filter((c) => c.drifted === true);
  // A column that lost every value (or changed type) drifted without a test: it counts as compared.
  const compared = columns.filter((c) => c.test !== 'none' || c.drifted === true).length;
  // A failed target check fails the section with no column drifted: the headline names it, not "0 drifted" alone.
  const targetFailures = arr(obj(r.target).checks)
    .map(obj)
    .filter((t) => t.outcome === 'fail')
    .map((t) => md(t.check, 40));
  const headline = `${drifted.length} of ${compared} columns drifted${n(r.driftShare) !== null ? ` (share ${(r.driftShare * 100).toFixed(1)}%)` : ''}${targetFailures.length ? `; target check failed: ${targetFailures.join(', ')}` : ''}`;
  const parts: string[] = [];
  if (drifted.length) {
    const rows = drifted
      .slice(0, 30)
      .map(
        (c) =>
          `| ${md(c.column, 60)} | ${md(c.kind, 12)} | ${md(c.test, 16)}${typeof c.reason === 'string' ? `: ${md(c.reason, 160)}` : ''} | ${num(n(c.psi))} | ${num(n(c.jensenShannon))} | ${emptyShares(c.missingShare)} |`,
      );
    parts.push(
      `| drifted column | kind | decided by | PSI | JS (base 2) | empty (ref → now) |\n| --- | --- | --- | ---: | ---: | --- |\n${rows.join('\n')}`,
    );
    const charts = drifted.slice(0, 5).map(driftChart).filter(Boolean);
    if (charts.length) parts.push(details('Distributions of the drifted columns', charts.join('\n\n')));
  }
  for (const t of arr(obj(r.target).checks)
    .map(obj)
    .filter((t) => t.outcome !== 'pass'))
    parts.push(`> target ${md(t.check, 40)}: ${md(t.message, 200)}`);
  for (const note of arr(r.notes).slice(0, 5)) parts.push(`> ${md(note, 300)}`);
  return { id: 'drift', kind: 'data', outcome: asOutcome(r.outcome), headline, body: parts.join('\n\n') };
}

/** A metric value as a run record's JSON holds it: a number, "NaN"/"Infinity"/"-Infinity", or null (NaN written by JSON.stringify). */
const pointValue = (v: unknown): number | null =>
  typeof v === 'number' ? v : v === null || v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : null;

/** train-and-log's result (train.json: the run record). */
export function trainSection(result: unknown): ReportSection {
  const r = obj(result);
  const status = typeof r.status === 'string' ? r.status : 'UNKNOWN';
  const outcome: Outcome = status === 'FINISHED' ? 'pass' : 'fail';
  const seconds = n(r.endTime) !== null && n(r.startTime) !== null ? ` in ${((r.endTime - r.startTime) / 1000).toFixed(1)} s` : '';
  const headline = `run ${md(r.name ?? '', 60)} ${md(status.toLowerCase(), 12)}${seconds}${n(r.exitCode) !== null && r.exitCode !== 0 ? ` (exit ${r.exitCode})` : ''}`;
  const rows: string[] = [];
  for (const [key, points] of Object.entries(obj(r.metrics)).slice(0, 30)) {
    if (key.startsWith('system/')) continue;
    const values = arr(points)
      .map((p) => pointValue(obj(p).value))
      .filter((v): v is number => v !== null);
    if (!values.length) continue;
    rows.push(`| ${md(key, 60)} | ${metricValue(values[values.length - 1])} | ${sparkline(values, 24) || '–'} |`);
  }
  const commit = obj(obj(r.lineage).git).commit;
  const parts = [
    `Run ${mdCode(String(r.id ?? '').slice(0, 32))}${typeof commit === 'string' ? ` at ${mdCode(commit.slice(0, 12))}` : ''}.`,
  ];
  if (rows.length) parts.push(`| metric | last | curve |\n| --- | ---: | --- |\n${rows.join('\n')}`);
  const children = arr(r.children).map(obj);
  if (children.length) {
    const names = new Map<string, string>([
      [String(r.id ?? ''), String(r.name ?? '')],
      ...children.map((c): [string, string] => [String(c.id ?? ''), String(c.name ?? '')]),
    ]);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a step's result JSON, as obj() above
    const row = (c: Record<string, any>) => {
      const parent = obj(c.tags)['mlflow.parentRunId'];
      const last = Object.entries(obj(c.metrics))
        .filter(([k]) => !k.startsWith('system/'))
        .slice(0, 4)
        .map(([k, ps]) => `${md(k, 40)} ${metricValue(pointValue(obj(arr(ps).at(-1)).value))}`)
        .join(', ');
      return `| ${md(c.name ?? '', 60)} | ${parent ? md(names.get(String(parent)) ?? String(parent).slice(0, 8), 60) : '(top level)'} | ${md(String(c.status ?? '').toLowerCase(), 12)} | ${last || '–'} |`;
    };
    const best = bestChildRun(children);
    if (best) parts.push(`Best child run: ${md(best.name, 60)} (${best.why}).`);
    parts.push(
      details(
        `${children.length} child runs (nested or later runs of the script; gates and comparisons use the run above)`,
        `| run | parent | status | metrics (last) |\n| --- | --- | --- | --- |\n${children.slice(0, 50).map(row).join('\n')}`,
      ),
    );
  }
  const params = Object.entries(obj(r.params)).slice(0, 40);
  if (params.length)
    parts.push(
      details(
        `${params.length} params`,
        `| param | value |\n| --- | --- |\n${params.map(([k, v]) => `| ${md(k, 60)} | ${md(v, 120)} |`).join('\n')}`,
      ),
    );
  const datasets = arr(obj(r.lineage).datasets).map(obj);
  if (datasets.length) {
    // What the run was trained on, named by content the way mlci and DVC both name it.
    const rows = datasets.slice(0, 20).map((d) => {
      const dvc = obj(d.dvc);
      const stale =
        dvc.status === 'modified'
          ? ` (modified since ${md(dvc.file, 80)}: DVC recorded ${mdCode(String(dvc.md5 ?? '').slice(0, 12))})`
          : '';
      const files = n(d.files) !== null ? ` (${d.files} files)` : '';
      return `| ${md(d.path, 80)}${files} | ${mdCode(String(d.sha256 ?? '').slice(0, 12))} | ${d.dvcMd5 ? mdCode(d.dvcMd5) : '–'}${stale} |`;
    });
    if (datasets.length > rows.length) rows.push(`| …and ${datasets.length - rows.length} more | | |`);
    parts.push(details(`${datasets.length} datasets`, `| dataset | SHA-256 | DVC md5 |\n| --- | --- | --- |\n${rows.join('\n')}`));
  }
  return { id: 'train', kind: 'model', outcome, headline, body: parts.join('\n\n') };
}

/** overfit-gate's result (gate.json). */
export function gateSection(result: unknown): ReportSection {
  const r = obj(result);
  const assertions = arr(r.assertions).map(obj);
  const failed = assertions.filter((a) => a.passed !== true);
  const headline = failed.length
    ? `${failed.length} of ${assertions.length} assertions failed`
    : `all ${assertions.length} assertions hold`;
  const rows = assertions
    .slice(0, 40)
    .map((a) => `| ${a.passed === true ? 'pass' : '**fail**'} | ${mdCode(a.expression, 160)} | ${md(a.evaluated, 160)} |`);
  // Why an assertion could not be decided (a NaN operand) is said under the table, not left to a bare "fail".
  const notes = failed.flatMap((a) => arr(a.notes).map((note) => `> ${mdCode(a.expression, 80)}: ${md(note, 200)}`)).slice(0, 10);
  const table = rows.length ? `| result | assertion | evaluated |\n| --- | --- | --- |\n${rows.join('\n')}` : '';
  return { id: 'gate', kind: 'model', outcome: asOutcome(r.outcome), headline, body: [table, ...notes].filter(Boolean).join('\n\n') };
}

/** Any other step's result: its outcome and, when it has one, a `summary` line. */
export function genericSection(id: string, result: unknown): ReportSection {
  const r = obj(result);
  return {
    id,
    kind: SECTION_KIND[id] ?? 'model',
    outcome: asOutcome(r.outcome),
    headline: md(r.summary ?? r.outcome ?? 'done', 200),
    body: '',
  };
}

/** The section for a step's result file, by step id (validate, drift, train, gate, compare, other). */
export function sectionFor(id: string, result: unknown): ReportSection {
  switch (id) {
    case 'validate':
      return validateSection(result);
    case 'drift':
      return driftSection(result);
    case 'train':
      return trainSection(result);
    case 'gate':
      return gateSection(result);
    case 'compare':
      return compareSection(result as ComparisonResult);
    default:
      return genericSection(id, result);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- child runs of a step's result JSON, as in trainSection
type ChildJson = Record<string, any>;

/**
 * The child run a reviewer looks for first: with a grid search (sklearn autolog), the one ranked 1 by
 * `rank_test_score`; otherwise the best on the first metric all children share whose name says which way is
 * better (`val_loss` lower, `accuracy` higher). None when the children share no such metric.
 */
export function bestChildRun(children: ChildJson[]): { name: string; why: string } | undefined {
  const last = (c: ChildJson, key: string): number | null => {
    const points = c?.metrics?.[key];
    const value = Array.isArray(points) ? Number(points.at(-1)?.value) : NaN;
    return Number.isFinite(value) ? value : null;
  };
  const shared = (key: string) => children.length > 1 && children.every((c) => last(c, key) !== null);
  const pick = (key: string, better: (a: number, b: number) => boolean) =>
    children.reduce((a, b) => (better(last(b, key)!, last(a, key)!) ? b : a));
  if (shared('rank_test_score')) {
    const top = pick('rank_test_score', (a, b) => a < b);
    const score = last(top, 'mean_test_score');
    return { name: String(top.name ?? ''), why: `rank_test_score 1${score !== null ? `, mean_test_score ${metricValue(score)}` : ''}` };
  }
  const keys = [...new Set(children.flatMap((c) => Object.keys(c?.metrics ?? {})))].filter((k) => !k.startsWith('system/'));
  for (const key of keys) {
    const direction = defaultDirection(key);
    if (direction === 'neutral' || !shared(key)) continue;
    const top = pick(key, direction === 'lower' ? (a, b) => a < b : (a, b) => a > b);
    return { name: String(top.name ?? ''), why: `${direction === 'lower' ? 'lowest' : 'highest'} ${key}: ${metricValue(last(top, key)!)}` };
  }
  return undefined;
}
