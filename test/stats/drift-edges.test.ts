import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../harness/cli';
import { runAction } from '../harness/runner';

// Edge cases of `mlci drift` and the distribution-check action, end to end through the built CLI and bundle.

const dir = mkdtempSync(join(tmpdir(), 'mlci-drift-edges-'));
let files = 0;
function csv(text: string): string {
  const path = join(dir, `f${files++}.csv`);
  writeFileSync(path, text);
  return path;
}
const lines = (header: string, rows: unknown[][]) => [header, ...rows.map((r) => r.join(','))].join('\n') + '\n';
const column = (result: any, name: string) => result.columns.find((c: { column: string }) => c.column === name);

describe('mlci drift: values that must not enter a statistic', () => {
  const reference = csv(
    lines(
      'x,level',
      Array.from({ length: 40 }, (_, i) => [(i * 0.37) % 7, 1 + (i % 4)]),
    ),
  );
  const finite = Array.from({ length: 30 }, (_, i) => [(i * 0.53) % 8, 1 + (i % 3)]);

  it('counts NaN, ±Infinity and missing cells of a numeric column and leaves them out of KS and the distances', async () => {
    const dirty = [...finite, ['NaN', 2], ['inf', 1], ['-inf', 3], ['', 2], ['Infinity', 1]];
    const withJunk = jsonOf(await runCli(['drift', csv(lines('x,level', dirty)), '--reference', reference, '--json', '--columns', 'x']));
    const clean = jsonOf(await runCli(['drift', csv(lines('x,level', finite)), '--reference', reference, '--json', '--columns', 'x']));
    const x = column(withJunk, 'x');
    expect(x.kind).toBe('numeric');
    expect(x.nonFinite).toEqual({ reference: 0, current: 4 });
    expect(x.missing).toEqual({ reference: 0, current: 1 });
    const { ks, wasserstein, psi, jensenShannon } = column(clean, 'x');
    expect({ ks: x.ks, wasserstein: x.wasserstein, psi: x.psi, jensenShannon: x.jensenShannon }).toEqual({
      ks,
      wasserstein,
      psi,
      jensenShannon,
    });
  });

  it('never makes NaN or infinity a category of a few-valued numeric column', async () => {
    const dirty = [...finite, [1, 'NaN'], [2, 'inf'], [3, '-inf']];
    const result = jsonOf(await runCli(['drift', csv(lines('x,level', dirty)), '--reference', reference, '--json', '--columns', 'level']));
    const level = column(result, 'level');
    expect(level.histogram.labels).not.toEqual(expect.arrayContaining(['NaN']));
    expect(level.newCategories ?? []).toEqual([]);
    const clean = jsonOf(await runCli(['drift', csv(lines('x,level', finite)), '--reference', reference, '--json', '--columns', 'level']));
    expect(level.chiSquare).toEqual(column(clean, 'level').chiSquare);
  });
});

describe('mlci drift: unusable or empty input', () => {
  const reference = csv(
    lines('a,b', [
      [1, 'x'],
      [2, 'y'],
      [3, 'x'],
    ]),
  );

  it('reports every column of a header-only file as not compared, exit 0, no NaN in the JSON', async () => {
    const run = await runCli(['drift', csv('a,b\n'), '--reference', reference, '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/NaN|null,\s*"pValue"/);
    const result = jsonOf(run);
    expect(result.columns.map((c: any) => [c.column, c.test, c.drifted])).toEqual([
      ['a', 'none', false],
      ['b', 'none', false],
    ]);
    expect(result.columns[0].notes[0]).toContain('no values');
  });

  it('exits 2 naming the file for an empty file and for a JSON file that is not a summary', async () => {
    const empty = csv('');
    const run = await runCli(['drift', empty, '--reference', reference]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(empty);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const notSummary = join(dir, 'other.json');
    writeFileSync(notSummary, '{"hello": 1}');
    const bad = await runCli(['drift', notSummary, '--reference', reference]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('other.json');
  });

  it('exits 2 for a merge of shards with different columns', async () => {
    const s1 = join(dir, 's1.json');
    const s2 = join(dir, 's2.json');
    expect((await runCli(['drift', 'summarize', reference, '--out', s1])).exitCode).toBe(0);
    expect((await runCli(['drift', 'summarize', csv(lines('a,c', [[1, 2]])), '--out', s2])).exitCode).toBe(0);
    const run = await runCli(['drift', 'merge', s1, s2, '--out', join(dir, 'm.json')]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/column "[bc]"/);
  });
});

describe('distribution-check action: untrusted column names and categories', () => {
  it('escapes them in the job summary and its chart, and still names them in outputs', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlci-ws-'));
    const hostile = ['<img src=x onerror=alert(1)>', '[c](https://e.vil) @octocat'];
    const header = `n,"${hostile[0]}","${hostile[1]}"`;
    const ref = Array.from({ length: 40 }, (_, i) => [i, `p${i % 3}`, `<b>q${i % 2}</b>`]);
    const cur = Array.from({ length: 40 }, (_, i) => [i * 3 + 100, `z${i % 5}`, `<script>r${i % 2}</script>`]);
    writeFileSync(join(workspace, 'ref.csv'), lines(header, ref));
    writeFileSync(join(workspace, 'cur.csv'), lines(header, cur));
    const run = await runAction('distribution-check', {
      workspace,
      inputs: { data: 'cur.csv', reference: 'ref.csv', 'fail-on-drift': 'false' },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.outputs.outcome).toBe('fail');
    expect(run.outputs['drifted-columns'].split(',')).toHaveLength(3);
    const summary = run.summary;
    expect(summary).not.toContain('<img');
    expect(summary).not.toContain('<script>');
    expect(summary).not.toContain('<b>');
    expect(summary).not.toContain('](https://');
    expect(summary).not.toMatch(/(^|[^\u200b])@octocat/);
    // The chart is still there for each drifted column, bars and all.
    expect(summary.match(/reference vs current/g)).toHaveLength(3);
    expect(summary).toContain('█');
    const result = JSON.parse(readFileSync(run.outputs['result-file'], 'utf8'));
    expect(result.columns.map((c: { column: string }) => c.column)).toEqual(['n', ...hostile]);
  });
});
