import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../harness/cli';
import { repoRoot, runAction } from '../harness/runner';

const iris = join(repoRoot, 'examples/iris/data');
const dir = mkdtempSync(join(tmpdir(), 'mlci-drift-e2e-'));

/** The iris training data with petal lengths stretched: a drift anyone would call one. */
function shiftedIris(): string {
  const [header, ...rows] = readFileSync(join(iris, 'train.csv'), 'utf8').trim().split('\n');
  const out = rows.map((r) => {
    const cells = r.split(',');
    cells[3] = (Number(cells[3]) * 1.6 + 1).toFixed(1);
    cells[4] = (Number(cells[4]) * 1.8).toFixed(1);
    return cells.join(',');
  });
  const path = join(dir, 'shifted.csv');
  writeFileSync(path, [header, ...out].join('\n') + '\n');
  return path;
}

describe('mlci drift', () => {
  it('prints the contract JSON and exits 0 when nothing drifted', async () => {
    const run = await runCli(['drift', join(iris, 'train.csv'), '--reference', join(iris, 'reference.csv'), '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const result = jsonOf(run);
    expect(result.outcome).toBe('pass');
    expect(result.driftShare).toBe(0);
    const species = result.columns.find((c: { column: string }) => c.column === 'species');
    expect(species).toMatchObject({ kind: 'categorical', test: 'chi_square', drifted: false });
    expect(Object.keys(species.chiSquare)).toEqual(expect.arrayContaining(['statistic', 'pValue', 'dof']));
    const petal = result.columns.find((c: { column: string }) => c.column === 'petal_length');
    expect(Object.keys(petal)).toEqual(
      expect.arrayContaining(['column', 'kind', 'test', 'drifted', 'ks', 'wasserstein', 'psi', 'jensenShannon']),
    );
  });

  it('exits 1 when half the columns drift', async () => {
    const run = await runCli([
      'drift',
      shiftedIris(),
      '--reference',
      join(iris, 'reference.csv'),
      '--columns',
      'sepal_length,petal_length,petal_width',
      '--json',
    ]);
    expect(run.exitCode).toBe(1);
    expect(jsonOf(run).driftedColumns).toEqual(['petal_length', 'petal_width']);
  });

  it('summarizes shards and merges them into the same verdict as the whole file', async () => {
    const [header, ...rows] = readFileSync(shiftedIris(), 'utf8').trim().split('\n');
    const shards = [rows.slice(0, 40), rows.slice(40)].map((part, i) => {
      const path = join(dir, `shard${i}.csv`);
      writeFileSync(path, [header, ...part].join('\n') + '\n');
      return path;
    });
    for (const [i, shard] of shards.entries())
      expect((await runCli(['drift', 'summarize', shard, '--out', join(dir, `s${i}.json`)])).exitCode).toBe(0);
    expect((await runCli(['drift', 'merge', join(dir, 's0.json'), join(dir, 's1.json'), '--out', join(dir, 'all.json')])).exitCode).toBe(0);
    const merged = jsonOf(await runCli(['drift', join(dir, 'all.json'), '--reference', join(iris, 'reference.csv'), '--json']));
    const whole = jsonOf(await runCli(['drift', join(dir, 'shifted.csv'), '--reference', join(iris, 'reference.csv'), '--json']));
    expect(merged.columns).toEqual(whole.columns);
  });

  it('exits 2 naming the file for a missing reference and a bad config', async () => {
    const missing = await runCli(['drift', join(iris, 'train.csv'), '--reference', join(dir, 'nope.csv')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('nope.csv: file not found');
    const config = join(dir, 'bad.yml');
    writeFileSync(config, 'columns:\n  x: { test: magic }\n');
    const bad = await runCli(['drift', join(iris, 'train.csv'), '--reference', join(iris, 'reference.csv'), '--config', config]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('columns.x.test must be one of');
  });
});

describe('distribution-check action', () => {
  it('summarises with a chart per drifted column, sets outputs and fails on drift', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlci-ws-'));
    copyFileSync(shiftedIris(), join(workspace, 'current.csv'));
    copyFileSync(join(iris, 'reference.csv'), join(workspace, 'reference.csv'));
    const run = await runAction('distribution-check', {
      workspace,
      inputs: { data: 'current.csv', reference: 'reference.csv', columns: 'petal_length, petal_width', target: 'species' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ outcome: 'fail', 'drift-share': '1', 'drifted-columns': 'petal_length,petal_width' });
    expect(run.summary).toContain('Distribution check');
    expect(run.summary).toMatch(/petal&#95;length: reference vs current[\s\S]*█/);
    const result = JSON.parse(readFileSync(run.outputs['result-file'], 'utf8'));
    expect(result.target.checks.every((c: { outcome: string }) => c.outcome === 'pass')).toBe(true);
  });
});

describe('a stored dataset as the reference', () => {
  it('accepts RUN:PATH and the SHA-256 of data a run snapshotted, restored verified from the store', async () => {
    const project = mkdtempSync(join(tmpdir(), 'mlci-drift-stored-'));
    copyFileSync(join(iris, 'reference.csv'), join(project, 'reference.csv'));
    const train = await runCli(
      ['train', '--data', 'reference.csv', '--snapshot', '--system-metrics-interval', '0', '--json', '--', process.execPath, '-e', '0'],
      { cwd: project },
    );
    expect(train.exitCode, train.stderr).toBe(0);
    const record = jsonOf(train);
    const sha = record.lineage.datasets[0].sha256;
    const byFile = jsonOf(
      await runCli(['drift', join(iris, 'train.csv'), '--reference', join(iris, 'reference.csv'), '--json'], { cwd: project }),
    );
    for (const reference of [`${record.id.slice(0, 8)}:reference.csv`, sha]) {
      const run = await runCli(['drift', join(iris, 'train.csv'), '--reference', reference, '--json'], { cwd: project });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(jsonOf(run).columns).toEqual(byFile.columns);
    }
    const unknown = await runCli(['drift', join(iris, 'train.csv'), '--reference', `${record.id.slice(0, 8)}:nope.csv`], { cwd: project });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('has no dataset or artifact "nope.csv"');
  });
});
