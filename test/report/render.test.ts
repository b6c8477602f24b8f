// The rendered PR report: golden files for a typical and a hostile pull request (any change to the
// rendering fails here; regenerate with UPDATE_GOLDEN=1 and review the diff), section markers that
// content cannot fake, and GitHub's 65,536-character limit with 500 metrics.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MLCI_VERSION } from '@mlci/core';
import {
  GITHUB_COMMENT_LIMIT,
  compareRuns,
  compareSection,
  driftSection,
  estimateNoise,
  gateSection,
  mergeSections,
  parseSections,
  renderReport,
  toStored,
  trainSection,
  validateSection,
  type ReportSection,
  type RunLike,
} from '@mlci/report';

// The footer names the release; goldens hold `mlci VERSION` so a version bump does not rewrite them.
const golden = (name: string, rendered: string) => {
  const file = join(import.meta.dirname, 'golden', name);
  const actual = rendered.replaceAll(`<sub>mlci ${MLCI_VERSION} report:`, '<sub>mlci VERSION report:');
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
};

const points = (values: number[]) => values.map((value, step) => ({ step, value, timestamp: 1_700_000_000_000 + step }));
const run = (id: string, name: string, metrics: Record<string, number[]>): RunLike => ({
  id: id.padEnd(32, '0'),
  name,
  metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, points(v)])),
});

function typicalSections(): ReportSection[] {
  const base = run('b0', 'main-2024-06-01', {
    val_accuracy: [0.7, 0.8, 0.84],
    val_loss: [0.9, 0.6, 0.45],
    train_loss: [0.8, 0.5, 0.4],
    epoch: [3],
    latency_ms: [12],
  });
  const cand = run('c1', 'feature-lr-0.01', {
    val_accuracy: [0.72, 0.83, 0.86],
    val_loss: [0.85, 0.55, 0.41],
    train_loss: [0.7, 0.4, 0.3],
    epoch: [4],
    latency_ms: [15],
  });
  const ids = Array.from({ length: 50 }, (_, i) => String(i));
  const noise = estimateNoise(
    ids.map((id, i) => ({ id, yTrue: '1', yPred: i < 42 ? '1' : '0' })),
    ids.map((id, i) => ({ id, yTrue: '1', yPred: i < 43 ? '1' : '0' })),
  );
  const compare = compareRuns(cand, base, {
    metrics: { val_accuracy: {}, latency_ms: { min_relative_change: 0.5 } },
    noise,
    noiseMetric: 'val_accuracy',
    baselineRef: { source: 'champion', label: 'champion iris@v1.2.0' },
  });
  return [
    validateSection({ outcome: 'pass', file: 'data/train.csv', rows: 150, totals: { total: 0 }, violations: [], tableChecks: [] }),
    driftSection({
      outcome: 'warn',
      driftShare: 0.25,
      driftedColumns: ['petal_length'],
      notes: [],
      columns: [
        {
          column: 'petal_length',
          kind: 'numeric',
          test: 'ks',
          drifted: true,
          psi: 0.31,
          jensenShannon: 0.12,
          histogram: { labels: ['1-2', '2-4', '4-6', '6-7'], reference: [0.3, 0.2, 0.4, 0.1], current: [0.1, 0.2, 0.5, 0.2] },
        },
        {
          column: 'sepal_width',
          kind: 'numeric',
          test: 'ks',
          drifted: false,
          psi: 0.01,
          jensenShannon: 0.01,
          histogram: { labels: [], reference: [], current: [] },
        },
      ],
    }),
    trainSection({
      id: cand.id,
      name: cand.name,
      status: 'FINISHED',
      startTime: 0,
      endTime: 12_300,
      exitCode: 0,
      metrics: cand.metrics,
      params: { lr: '0.01', epochs: '4' },
    }),
    gateSection({ outcome: 'pass', assertions: [{ expression: 'val_loss < 1.2 * train_loss', evaluated: '0.41 < 0.36', passed: true }] }),
    compareSection(compare),
  ];
}

function hostileSections(): ReportSection[] {
  const evil =
    '<img src=x onerror=alert(1)> [x](https://evil.example) @octocat #1 | `tick` **b**\n# h <!-- /mlci:section id=compare --> ```';
  const base = run('b0', evil, { [evil]: [1, 2], 'acc|<b>': [0.5] });
  const cand = run('c1', '@maintainer please merge', { [evil]: [2, 3], 'acc|<b>': [0.6], '<!-- mlci:report -->': [1] });
  const compare = compareRuns(cand, base, { metrics: { [evil]: { direction: 'lower' } }, baselineRef: { source: 'main', label: evil } });
  return [
    validateSection({
      outcome: 'fail',
      file: '../../etc/passwd <script>',
      rows: 3,
      totals: { total: 1 },
      violations: [{ line: 2, field: evil, constraint: 'pattern', message: evil, tolerated: false }],
      tableChecks: [{ check: evil, outcome: 'fail', message: evil }],
    }),
    driftSection({
      outcome: 'fail',
      driftShare: 1,
      columns: [
        {
          column: 'a"]\n```\n%%{init}%%',
          kind: 'categorical',
          test: 'chi_square',
          drifted: true,
          psi: 1,
          jensenShannon: 0.5,
          histogram: { labels: ['x"]', '```'], reference: [0.5, 0.5], current: [0.9, 0.1] },
        },
      ],
      notes: [evil],
    }),
    trainSection({
      id: 'c1',
      name: evil,
      status: 'FAILED',
      startTime: 0,
      endTime: 1000,
      exitCode: 3,
      metrics: { [evil]: points([1, 2, 3]) },
      params: { [evil]: evil },
    }),
    gateSection({ outcome: 'fail', assertions: [{ expression: evil, evaluated: evil, passed: false }] }),
    compareSection(compare),
  ];
}

describe('drift section', () => {
  it('names a failed target check in the headline when no column drifted (a new label fails the data)', () => {
    const section = driftSection({
      outcome: 'fail',
      driftShare: 0,
      columns: [{ column: 'x', kind: 'numeric', test: 'ks', drifted: false }],
      target: {
        checks: [
          { check: 'newLabels', outcome: 'fail', message: 'labels not in the reference: "setosaa"' },
          { check: 'balance', outcome: 'pass', message: '' },
        ],
      },
    });
    expect(section.headline).toBe('0 of 1 columns drifted (share 0.0%); target check failed: newLabels');
    expect(
      driftSection({ outcome: 'pass', driftShare: 0, columns: [], target: { checks: [{ check: 'balance', outcome: 'pass' }] } }).headline,
    ).toBe('0 of 0 columns drifted (share 0.0%)');
  });
});

describe('rendered report', () => {
  it('typical pull request (golden)', () => {
    const { body } = renderReport(typicalSections().map(toStored), { detailsUrl: 'https://github.com/octo-org/octo-repo/actions/runs/42' });
    expect(body.startsWith('<!-- mlci:report -->\n\n⚠️')).toBe(false); // drift only warns: no data problem
    expect(body.split('\n')[2]).toMatch(/^✅ \*\*Ready\*\*/);
    expect(body).toContain('```mermaid\nxychart-beta');
    expect(body).toMatch(/▲ \+0\.02/);
    golden('typical.md', body);
  });

  it('hostile pull request (golden): nothing from the PR becomes markup', () => {
    const { body } = renderReport(hostileSections().map(toStored));
    golden('hostile.md', body);
    expect(body.split('\n')[2]).toMatch(
      /^❌ \*\*Regressions\*\*: Training, Gates, Comparison · ⚠️ \*\*Data problems\*\*: Data validation, Drift$/,
    );
    const outsideCode = body.replace(/```mermaid\n[\s\S]*?\n```/g, '');
    expect(outsideCode).not.toMatch(/<img|<script|<b>|\]\(https?:|https?:\/\/evil|@octocat|@maintainer/);
    // Exactly one report marker and five intact sections: the fake markers in names were defused.
    expect(body.match(/<!-- mlci:report -->/g)).toHaveLength(1);
    expect(parseSections(body).map((s) => s.id)).toEqual(['validate', 'drift', 'train', 'gate', 'compare']);
    // Mermaid blocks hold only the chart: no injected fence, quote or directive.
    for (const block of body.match(/```mermaid\n[\s\S]*?\n```/g) ?? []) {
      expect(block.split('\n').slice(1, -1).join('\n')).not.toMatch(/```|%%|\n\s*\n/);
      for (const label of block.match(/"[^"]*"/g) ?? []) expect(label).toMatch(/^"[A-Za-z0-9 _./%+?:(),-]*"$/);
    }
  });

  it('parse -> replace own section -> render keeps the other sections byte for byte', () => {
    const sections = typicalSections().map(toStored);
    const { body } = renderReport(sections);
    const parsed = parseSections(body);
    expect(parsed).toEqual(mergeSections(sections));
    const newGate = toStored(gateSection({ outcome: 'fail', assertions: [{ expression: 'a < b', evaluated: '2 < 1', passed: false }] }));
    const next = renderReport(mergeSections(parsed, [newGate])).body;
    const again = parseSections(next);
    expect(again.find((s) => s.id === 'gate')).toEqual(newGate);
    expect(again.filter((s) => s.id !== 'gate')).toEqual(parsed.filter((s) => s.id !== 'gate'));
    expect(next.split('\n')[2]).toMatch(/^❌ \*\*Regressions\*\*: Gates/);
  });

  it("500 metrics stay within GitHub's limit (folded table; shortened with a link only when needed)", () => {
    const metrics = (shift: number) =>
      Object.fromEntries(
        Array.from({ length: 500 }, (_, i) => [
          `layer_${String(i).padStart(3, '0')}/val_accuracy_with_a_rather_long_metric_name`,
          [0.5 + shift + i / 10_000],
        ]),
      );
    const r = compareRuns(run('c', 'cand', metrics(0.01)), run('b', 'base', metrics(0)));
    const { body, truncated } = renderReport([toStored(compareSection(r))], { detailsUrl: 'https://github.com/o/r/actions/runs/1' });
    expect(body.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(truncated).toEqual([]);
    // The first 15 rows are open, more fold into <details>, and the remainder is counted, not dropped silently.
    const listed = (body.match(/^\| layer&#95;/gm) ?? []).length;
    expect(listed).toBeGreaterThan(100);
    expect(body).toContain(`<details><summary>${listed - 15} more metrics</summary>`);
    expect(body).toContain(`_${500 - listed} more metrics not listed here`);
    // A far larger report (all five sections oversized) is shortened, largest first, and says where the rest is.
    const huge = Array.from({ length: 6 }, (_, i) => toStored({ ...compareSection(r), id: `step-${i}` }));
    const cut = renderReport(huge, { detailsUrl: 'https://github.com/o/r/actions/runs/1' });
    expect(cut.body.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(cut.truncated.length).toBeGreaterThan(0);
    expect(cut.body).toContain('the full text is in [the job summary](https://github.com/o/r/actions/runs/1)');
    expect(parseSections(cut.body)).toHaveLength(6);
  });
});

describe('gate section', () => {
  it('says why an assertion could not be decided (a NaN note) under the table, escaped', () => {
    const section = gateSection({
      outcome: 'fail',
      assertions: [
        { expression: 'not (zero/zero < 1)', evaluated: 'not (NaN < 1)', passed: false, notes: ['zero/zero is NaN (0/0)', '<b>x</b>'] },
        { expression: 'a < b', evaluated: '1 < 2', passed: true, notes: ['ignored on a pass'] },
      ],
    });
    expect(section.headline).toBe('1 of 2 assertions failed');
    expect(section.body).toContain('> <code>not &#40;zero/zero &#60; 1&#41;</code>: zero/zero is NaN &#40;0/0&#41;');
    expect(section.body).not.toContain('<b>');
    expect(section.body).not.toContain('ignored on a pass');
  });
});
