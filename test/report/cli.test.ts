// `mlci compare` as a user runs it: a real store in a temp directory, a child process, exit codes.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../harness/cli';
import { predictionsCsv, record, seedStore } from './fixtures-runs';

const project = async () => mkdtemp(join(tmpdir(), 'mlci-compare-'));

describe('mlci compare', () => {
  it('prints the JSON contract and exits 1 on a gated regression, 0 otherwise', async () => {
    const dir = await project();
    const base = record('base', { accuracy: [0.9], val_loss: [0.5, 0.3] });
    const cand = record('cand', { accuracy: [0.85], val_loss: [0.4, 0.25] });
    await seedStore(dir, [{ run: base }, { run: cand }]);
    const run = await runCli(['compare', cand.id, '--baseline', base.id, '--json', '--metric', 'accuracy:higher'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(1);
    const out = jsonOf(run);
    const acc = out.metrics.find((m: any) => m.key === 'accuracy');
    expect(acc).toMatchObject({ key: 'accuracy', baseline: 0.9, candidate: 0.85, verdict: 'regressed', gated: true });
    expect(acc.delta).toBeCloseTo(-0.05, 12);
    expect(acc.relativeDelta).toBeCloseTo(-0.05 / 0.9, 12);
    expect(out.metrics.find((m: any) => m.key === 'val_loss')).toMatchObject({ verdict: 'improved', gated: false });
    expect(out.regressions).toEqual(['accuracy']);

    // `latest` is the newest run (cand); an ungated regression does not fail.
    const ok = await runCli(['compare', 'latest', '--baseline', base.id, '--json'], { cwd: dir });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(jsonOf(ok).candidate.id).toBe(cand.id);
  });

  it('writes the comment body with --markdown, prints a terminal table without colour under NO_COLOR', async () => {
    const dir = await project();
    const base = record('base', { f1: [0.7] });
    const cand = record('cand', { f1: [0.75] });
    await seedStore(dir, [{ run: base }, { run: cand }]);
    const md = join(dir, 'comment.md');
    const run = await runCli(['compare', cand.id, '--baseline', base.id, '--markdown', md], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/✓ no gated regressions/);
    expect(run.stdout).toMatch(/f1\s+0\.7\s+0\.75\s+▲ \+0\.05/);
    expect(run.stdout).not.toContain('\u001b[');
    const body = await readFile(md, 'utf8');
    expect(body.startsWith('<!-- mlci:report -->')).toBe(true);
    expect(body).toContain('<!-- mlci:section id=compare kind=model outcome=pass -->');
  });

  it("calls a small accuracy gain within noise from the runs' predictions artifacts", async () => {
    const dir = await project();
    const base = record('base', { val_accuracy: [0.8] });
    const cand = record('cand', { val_accuracy: [0.82] });
    await seedStore(dir, [
      { run: base, predictions: predictionsCsv(50, 40) },
      { run: cand, predictions: predictionsCsv(50, 41) },
    ]);
    const out = jsonOf(
      await runCli(['compare', cand.id, '--baseline', base.id, '--json', '--metric', 'val_accuracy:higher'], { cwd: dir }),
    );
    expect(out.metrics[0]).toMatchObject({ key: 'val_accuracy', verdict: 'within-noise', noiseApplied: true });
    expect(out.noise).toMatchObject({ shared: 50, mcnemar: { baselineOnly: 0, candidateOnly: 1, method: 'exact' } });
  });

  it('bounds a regression metric (RMSE) from numeric predictions and reports it in the comment', async () => {
    const dir = await project();
    const n = 60;
    const truth = Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
    const csv = (err: (i: number) => number) => ['id,y_true,y_pred', ...truth.map((t, i) => `r${i},${t},${t + err(i)}`)].join('\n');
    const rmse = (err: (i: number) => number) => Math.sqrt(truth.reduce((s, _, i) => s + err(i) ** 2, 0) / n);
    const baseErr = (i: number) => (i % 2 ? 1 : -1) * (1 + (i % 3) * 0.1);
    const candErr = (i: number) => (i % 2 ? 1 : -1) * (0.5 + (i % 5) * 0.05);
    const base = record('base', { val_rmse: [rmse(baseErr)] });
    const cand = record('cand', { val_rmse: [rmse(candErr)] });
    await seedStore(dir, [
      { run: base, predictions: csv(baseErr) },
      { run: cand, predictions: csv(candErr) },
    ]);
    const md = join(dir, 'c.md');
    const out = jsonOf(await runCli(['compare', cand.id, '--baseline', base.id, '--json', '--markdown', md], { cwd: dir }));
    expect(out.metrics[0]).toMatchObject({ key: 'val_rmse', verdict: 'improved', noiseApplied: true, noiseSource: 'rmse' });
    expect(out.metrics[0].ci.high).toBeLessThan(0);
    expect(await readFile(md, 'utf8')).toContain('Noise estimate of regression errors');
  });

  it('ranks a sweep and compares the best; a missing baseline is a note, not an error', async () => {
    const dir = await project();
    const runs = [record('lr-a', { val_loss: [0.5] }), record('lr-b', { val_loss: [0.3] }), record('lr-c', { val_loss: [0.4] })];
    await seedStore(
      dir,
      runs.map((run) => ({ run })),
    );
    const res = await runCli(['compare', ...runs.map((r) => r.id), '--baseline', 'main', '--json'], { cwd: dir });
    expect(res.exitCode, res.stderr).toBe(0);
    const out = jsonOf(res);
    expect(out.bestRun).toBe(runs[1].id);
    expect(out.sweep.ranked.map((r: any) => r.name)).toEqual(['lr-b', 'lr-c', 'lr-a']);
    expect(out.baseline).toBeNull();
    expect(out.notes.join('\n')).toMatch(/no finished run recorded on main/);

    const champ = jsonOf(await runCli(['compare', runs[0].id, '--baseline', 'champion', '--model', 'iris', '--json'], { cwd: dir }));
    expect(champ.notes.join('\n')).toMatch(/no champion yet/);
  });

  it('reads run records from files, and names bad input with exit 2', async () => {
    const dir = await project();
    const c = join(dir, 'c.json');
    const b = join(dir, 'b.json');
    await writeFile(c, JSON.stringify(record('c', { rmse: [1.2] })));
    await writeFile(b, JSON.stringify(record('b', { rmse: [1.0] })));
    const out = await runCli(['compare', '--candidate-file', c, '--baseline-file', b, '--metric', 'rmse:lower:1.1', '--json'], {
      cwd: dir,
    });
    expect(out.exitCode).toBe(1);
    expect(jsonOf(out).metrics[0].reason).toMatch(/above the threshold 1.1/);
    const bad = await runCli(['compare', 'x', '--metric', 'acc:sideways'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/KEY:higher\|lower/);
    await writeFile(join(dir, 't.yml'), 'acc: {treshold: 1}\n');
    const badYaml = await runCli(['compare', '--candidate-file', c, '--thresholds', join(dir, 't.yml')], { cwd: dir });
    expect(badYaml.exitCode).toBe(2);
    expect(badYaml.stderr).toMatch(/unknown field "treshold"/);
    expect(badYaml.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
