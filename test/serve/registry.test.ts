/**
 * The contract of issue 7: after the bundled example's pipeline ran (`npm run demo`: validate, train, gate,
 * promote), `mlci serve iris-classifier@champion` serves the registered version; a run id serves the run's model.
 * Runs the demo's pipeline in a copy of examples/iris, so the repository is left alone.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli';
import { repoRoot } from '../harness/runner';
import { invoke, startServe } from './helpers';

const project = join(mkdtempSync(join(tmpdir(), 'mlci-serve-iris-')), 'iris');
const setosa = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const virginica = { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 };

beforeAll(async () => {
  cpSync(join(repoRoot, 'examples/iris'), project, { recursive: true, filter: (p) => !/\/(\.mlci|out)(\/|$)/.test(p) });
  const demo = await runCli(['run', '--config', 'mlci.yml'], { cwd: project });
  expect(demo.exitCode, demo.stderr).toBe(0);
});

describe('mlci serve NAME@ALIAS and RUN', () => {
  it('serves iris-classifier@champion from the registry and a run by id; removes downloads on SIGTERM', async () => {
    const runId = readdirSync(join(project, '.mlci/runs'))[0].replace(/\.json$/, '');
    // Both start at once: each loads scikit-learn in its own worker, the slow part.
    const [champion, run] = await Promise.all([
      startServe(['iris-classifier@champion'], { cwd: project }),
      startServe([runId], { cwd: project }),
    ]);
    expect(champion.ready).toMatchObject({ loader: 'sklearn', ref: 'iris-classifier@champion', version: '0.1.0' });
    expect(run.ready).toMatchObject({ loader: 'sklearn', version: runId });
    const version = (await (await fetch(champion.url + '/version')).json()) as Record<string, unknown>;
    expect(version).toMatchObject({ model: 'iris-classifier@champion', model_version: '0.1.0' });
    for (const server of [champion, run]) {
      const res = await invoke(server.url, { dataframe_records: [setosa, virginica] });
      expect(res.status, res.text).toBe(200);
      expect(res.json.predictions).toEqual(['setosa', 'virginica']);
    }
    const downloads = [String(champion.ready.model), String(run.ready.model)];
    for (const d of downloads) expect(existsSync(d)).toBe(true);
    for (const server of [champion, run]) expect((await server.stop()).code).toBe(0);
    for (const d of downloads) expect(existsSync(d)).toBe(false);
  });

  it('exits 2 naming an unknown reference', async () => {
    const missing = await runCli(['serve', 'no-such-model@champion', '--port', '0'], { cwd: project });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/no-such-model/);
  });
});

process.on('exit', () => rmSync(join(project, '..'), { recursive: true, force: true }));
