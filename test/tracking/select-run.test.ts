/**
 * Issue #14 row 1, the rule for which run counts: an unchanged MLflow script opens a top-level "prep" run, then
 * a top-level "final" run with a nested one. By default the gate reads "prep" (the first top-level run);
 * `select-run: name=final` in mlci.yml makes the gate, the record and `mlci show` use "final", with the
 * other runs kept as children whose parent links still point at the same runs' data. A selector that matches
 * nothing ends the run FAILED (exit 2), and a malformed one stops `mlci run` before training, naming mlci.yml.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli, type CliRun } from '../harness/cli';
import { freshProject } from './fixtures';

const SCRIPT = `import mlflow
with mlflow.start_run(run_name="prep"):
    mlflow.log_param("stage", "prep")
    mlflow.log_metric("acc", 0.1)
with mlflow.start_run(run_name="final"):
    mlflow.log_param("stage", "final")
    mlflow.set_tag("role", "final")
    mlflow.log_metric("acc", 0.9)
    mlflow.log_text("weights", "model/notes.txt")
    with mlflow.start_run(run_name="inner", nested=True):
        mlflow.log_metric("acc", 0.5)
`;

const config = (select: string | null) =>
  `version: 1\ntrain:\n  command: [python3, two.py]\n${select === null ? '' : `  select-run: ${JSON.stringify(select)}\n`}gates:\n  - "acc > 0.5"\n`;

let selected: { run: CliRun; show: any };
let unselected: CliRun;

beforeAll(async () => {
  const [a, b] = await Promise.all([freshProject({ 'two.py': SCRIPT }), freshProject({ 'two.py': SCRIPT })]);
  await writeFile(join(a, 'mlci.yml'), config('name=final'));
  await writeFile(join(b, 'mlci.yml'), config(null));
  const [run, other] = await Promise.all([
    runCli(['run', '--config', 'mlci.yml'], { cwd: a }),
    runCli(['run', '--config', 'mlci.yml'], { cwd: b }),
  ]);
  selected = { run, show: jsonOf(await runCli(['show', 'latest', '--json'], { cwd: a })) };
  unselected = other;
}, 300_000);

describe('select-run', () => {
  it('by default the gate reads the first top-level run ("prep", acc 0.1) and fails', () => {
    expect(unselected.exitCode, unselected.stderr).toBe(1);
    expect(unselected.stderr).toMatch(/acc > 0\.5/);
  });

  it('name=final: the gate, the record and mlci show use "final"; the other runs stay as children, links intact', () => {
    expect(selected.run.exitCode, selected.run.stderr).toBe(0);
    const r = selected.show;
    expect(r.name).toBe('final');
    expect(r.params).toMatchObject({ stage: 'final' });
    expect(r.metrics.acc.map((p: any) => p.value)).toEqual([0.9]);
    expect(r.artifacts.map((a: any) => a.path)).toEqual(['model/notes.txt']);
    expect(r.tags['mlci.selectedRun']).toBe('name=final');
    const byName = Object.fromEntries(r.children.map((c: any) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['inner', 'prep']);
    expect(byName.prep.params).toMatchObject({ stage: 'prep' });
    expect(byName.prep.tags['mlflow.parentRunId']).toBeUndefined();
    expect(byName.inner.tags['mlflow.parentRunId']).toBe(r.id);
  });

  it('a selector that matches no run records the run FAILED and exits 2, naming the runs it saw', async () => {
    const dir = await freshProject({ 'two.py': SCRIPT });
    const run = await runCli(
      ['train', '--json', '--system-metrics-interval', '0', '--select-run', 'tag:role=best', '--', 'python3', 'two.py'],
      {
        cwd: dir,
      },
    );
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/select-run tag:role=best matched none of the 3 runs/);
    expect(run.stderr).toMatch(/hint: /);
    const record = jsonOf(run);
    expect(record.status).toBe('FAILED');
    expect(record.tags['mlci.error']).toMatch(/select-run tag:role=best/);
    expect(record.metrics.acc.map((p: any) => p.value)).toEqual([0.1]);
  }, 300_000);

  it('a malformed selector in mlci.yml stops mlci run before training, naming the file and line', async () => {
    const dir = await freshProject({ 'two.py': SCRIPT });
    await writeFile(join(dir, 'mlci.yml'), config('best'));
    const run = await runCli(['run', '--config', 'mlci.yml'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/mlci\.yml:4/);
    expect(run.stderr).toMatch(/select-run "best" is not a run selector/);
    expect(await readdir(join(dir, '.mlci', 'runs')).catch(() => [])).toEqual([]);
  }, 300_000);
});
