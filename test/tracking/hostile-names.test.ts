/**
 * Metric and param names that are Object members (issue #12 item 4): `constructor`, `toString`, `__proto__`
 * from a script's metrics.json, params.yaml and the MLflow endpoint are ordinary names. The run ends FINISHED
 * with all of them, a gate reads them, and a comparison lists them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../harness/cli';

const NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty'];

describe('names that are Object members', () => {
  it('are recorded, gated and compared like any other name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlci-hostile-names-'));
    writeFileSync(join(dir, 'params.yaml'), NAMES.map((n, i) => `${n}: ${i + 1}`).join('\n') + '\n');
    writeFileSync(
      join(dir, 'train.py'),
      [
        'import json, os',
        'import mlflow',
        `names = ${JSON.stringify(NAMES)}`,
        'with mlflow.start_run():',
        '    for i, n in enumerate(names):',
        '        mlflow.log_metric(n, i + 1)',
        '        mlflow.log_metric(n, i + 2, step=1)',
        '        mlflow.set_tag(n, "x")',
        'json.dump({"toString": 9, "__proto__": {"valueOf": 7}}, open("metrics.json", "w"))',
      ].join('\n'),
    );
    const train = await runCli(['train', '--json', '--', 'python3', 'train.py'], { cwd: dir });
    expect(train.exitCode, train.stderr).toBe(0);
    const run = jsonOf(train);
    expect(run.status).toBe('FINISHED');
    for (const n of NAMES) expect(Object.hasOwn(run.metrics, n), n).toBe(true);
    expect(run.metrics.constructor.map((p: { value: number }) => p.value)).toEqual([1, 2]);
    expect(Object.hasOwn(run.params, 'constructor')).toBe(true);
    expect(run.metrics['__proto__.valueOf'].at(-1).value).toBe(7);

    const gate = await runCli(['gate', run.id, '--assert', 'constructor >= 2', '--assert', 'toString < 10', '--json'], { cwd: dir });
    expect(gate.exitCode, gate.stderr).toBe(0);
    const missing = await runCli(['gate', run.id, '--assert', 'valueOf > 0'], { cwd: dir });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('uses metric "valueOf", which the run did not log');

    const compare = jsonOf(await runCli(['compare', run.id, '--baseline', run.id, '--json'], { cwd: dir }));
    expect(compare.metrics.map((m: { key: string }) => m.key)).toEqual(expect.arrayContaining(NAMES));
  }, 120_000);
});
