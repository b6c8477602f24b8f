/**
 * Issue #14 row 1, the row's own example: `mlflow.sklearn.autolog()` around a `GridSearchCV` opens a parent run
 * and one child run per candidate (and finds them again with a `tags.mlflow.parentRunId` filter). The same
 * unchanged script runs under `mlci train` and against `mlflow server` (sqlite); MlflowClient reads both back
 * and they must be the same, ids and times aside. The report then names the grid's best candidate.
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md } from '../../packages/report/src/escape';
import { trainSection } from '../../packages/report/src/render-sections';
import { jsonOf, runCli } from '../harness/cli';
import { freshProject, startMlflowServer } from './fixtures';

const run = promisify(execFile);

const SCRIPT = `import mlflow
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
mlflow.sklearn.autolog(log_models=False, log_datasets=False)
X, y = load_iris(return_X_y=True)
with mlflow.start_run(run_name="grid"):
    GridSearchCV(LogisticRegression(max_iter=500), {"C": [0.01, 0.1, 1.0]}, cv=3).fit(X, y)
`;

const READER = `
import json, sys
from mlflow.tracking import MlflowClient
c = MlflowClient(sys.argv[1])
exp = c.get_experiment_by_name(sys.argv[2])
runs = c.search_runs([exp.experiment_id])
names = {r.info.run_id: r.info.run_name for r in runs}
out = []
for r in runs:
    parent = r.data.tags.get("mlflow.parentRunId")
    out.append({
        "parent": names.get(parent, parent),
        "top": parent is None,
        "params": {k: v for k, v in r.data.params.items()},
        "metrics": sorted(k for k in r.data.metrics if not k.startswith("system/")),
        "rank": r.data.metrics.get("rank_test_score"),
    })
print(json.dumps(sorted(out, key=lambda r: (not r["top"], r["params"].get("C", ""), r["rank"] or 0))))
`;

let server: { uri: string; stop(): void };
let record: any;
let viaMlci: any[];
let direct: any[];

beforeAll(async () => {
  const mlflowDir = await mkdtemp(join(tmpdir(), 'mlci-mlflow-'));
  const starting = startMlflowServer(mlflowDir);
  starting.catch(() => {});
  const project = await freshProject({ 'grid.py': SCRIPT, 'reader.py': READER });
  const trained = await runCli(['train', '--json', '--system-metrics-interval', '0', '--', 'python3', 'grid.py'], { cwd: project });
  if (trained.exitCode !== 0) throw new Error(`mlci train failed: ${trained.stderr}`);
  record = jsonOf(trained);
  server = await starting;
  await run('python3', ['grid.py'], { cwd: project, env: { ...process.env, MLFLOW_TRACKING_URI: server.uri } });
  const exported = await runCli(['export', record.id, '--to', server.uri, '--experiment', 'via-mlci'], { cwd: project });
  if (exported.exitCode !== 0) throw new Error(`mlci export failed: ${exported.stderr}`);
  const read = async (experiment: string) =>
    JSON.parse((await run('python3', ['reader.py', server.uri, experiment], { cwd: project })).stdout);
  [direct, viaMlci] = await Promise.all([read('Default'), read('via-mlci')]);
}, 400_000);

afterAll(() => server?.stop());

describe('sklearn autolog with GridSearchCV', () => {
  it('records the parent and one child run per candidate, linked to it', () => {
    expect(record.name).toBe('grid');
    expect(record.children).toHaveLength(3);
    expect(record.children.every((c: any) => c.tags['mlflow.parentRunId'] === record.id)).toBe(true);
    expect(record.children.map((c: any) => c.params.C).sort()).toEqual(['0.01', '0.1', '1.0']);
  });

  it('reads back from MLflow as the script logged straight to mlflow server', () => {
    expect(direct).toHaveLength(4);
    expect(viaMlci).toEqual(direct);
  });

  it('names the best candidate in the report', () => {
    const best = record.children.find((c: any) => c.metrics.rank_test_score?.at(-1)?.value === 1);
    expect(best).toBeDefined();
    expect(trainSection(record).body).toContain(`Best child run: ${md(best.name, 60)} (rank_test_score 1, mean_test_score`);
  });
});
