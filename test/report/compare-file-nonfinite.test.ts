/** `mlci compare --candidate-file/--baseline-file`: a run record written with "NaN" (a diverged metric) reads back as NaN; a broken point is named. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../harness/cli';

const record = (id: string, loss: unknown) => ({ id, name: id, metrics: { loss: [{ step: 0, timestamp: 1, value: loss }] } });

describe('mlci compare with run files', () => {
  it('reads "NaN" as a diverged metric, and refuses a point that is not an object, naming the metric', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlci-compare-nan-'));
    writeFileSync(join(dir, 'cand.json'), JSON.stringify(record('c'.repeat(32), 'NaN')));
    writeFileSync(join(dir, 'base.json'), JSON.stringify(record('b'.repeat(32), 0.4)));
    const run = await runCli(
      ['compare', '--candidate-file', 'cand.json', '--baseline-file', 'base.json', '--metric', 'loss:lower', '--json'],
      { cwd: dir },
    );
    expect(run.exitCode, run.stderr).toBe(1); // a diverged candidate regresses
    const loss = jsonOf(run).metrics.find((m: { key: string }) => m.key === 'loss');
    expect(loss.verdict).not.toBe('unchanged');

    writeFileSync(join(dir, 'broken.json'), JSON.stringify({ id: 'd'.repeat(32), metrics: { loss: [null] } }));
    const broken = await runCli(['compare', '--candidate-file', 'broken.json', '--baseline-file', 'base.json'], { cwd: dir });
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toContain('broken.json: not a run record: metric "loss" is not a list of points');
    expect(broken.stderr).not.toMatch(/internal error/);
  });
});
