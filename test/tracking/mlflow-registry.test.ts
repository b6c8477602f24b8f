/**
 * Issue #14 row 2, judged by the real mlflow client: one unchanged MLflow 3 script logs a model with
 * `registered_model_name=`, registers it again with `mlflow.register_model`, sets an alias, tags and
 * descriptions, creates, renames and deletes a scratch model, and loads `models:/iris@champion` while its run is
 * open. It runs once against `mlflow server` (sqlite, 127.0.0.1) and once under `mlci train`. A second unchanged
 * script reads the registry back with MlflowClient (search_registered_models, get_model_version,
 * get_model_version_by_alias, search_model_versions, get_latest_versions, load_model of `models:/iris/1`,
 * `models:/iris/2` and `models:/iris@champion`): against the server, and under a second `mlci train`, whose
 * endpoint serves the versions the first run published from mlci's registry files. Both reads must be equal,
 * ids and times aside; `mlci models list/show` then show the versions and the alias.
 *
 * A third script, under mlci only, checks what mlci refuses on purpose (deleting a published version or a
 * model, removing an alias's history, an unknown filter key: MLflow's error codes with a reason), and that a
 * version registered by a run that then fails is not published.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli, type CliRun } from '../harness/cli';
import { freshProject, startMlflowServer } from './fixtures';

const run = promisify(execFile);

const REGISTER = `
import json, sys, mlflow
from mlflow import MlflowClient
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
X, y = load_iris(return_X_y=True)
clf = LogisticRegression(max_iter=300).fit(X, y)
c = MlflowClient()
with mlflow.start_run() as run:
    mlflow.log_param("max_iter", "300")
    mlflow.log_metric("acc", float(clf.score(X, y)))
    info = mlflow.sklearn.log_model(clf, name="model", registered_model_name="iris")
    again = mlflow.register_model(f"runs:/{run.info.run_id}/model", "iris")
    c.set_registered_model_alias("iris", "champion", info.registered_model_version)
    c.set_registered_model_tag("iris", "team", "ml")
    c.set_model_version_tag("iris", again.version, "stage", "candidate")
    c.update_registered_model("iris", description="iris classifier")
    c.update_model_version("iris", info.registered_model_version, description="first fit")
    c.create_registered_model("scratch", tags={"k": "v"}, description="renamed, then deleted")
    c.rename_registered_model("scratch", "scratch2")
    c.delete_registered_model("scratch2")
    during = mlflow.pyfunc.load_model("models:/iris@champion").predict(X[:8]).tolist()
json.dump({"run_id": run.info.run_id, "versions": [info.registered_model_version, again.version], "during": during}, open(sys.argv[1], "w"))
`;

/** What MlflowClient reads back, with the run id replaced by whether it is the registering run's. */
const READ = `
import json, sys, mlflow
from mlflow import MlflowClient
from sklearn.datasets import load_iris
X, _ = load_iris(return_X_y=True)
registering = json.load(open(sys.argv[2]))["run_id"]
c = MlflowClient()
def mv(v):
    return {"name": v.name, "version": v.version, "description": v.description, "tags": v.tags,
            "aliases": sorted(v.aliases), "status": v.status, "stage": v.current_stage,
            "registering_run": v.run_id == registering, "status_message": v.status_message or None}
def rm(m):
    return {"name": m.name, "description": m.description, "tags": m.tags, "aliases": m.aliases,
            "latest": [mv(v) for v in m.latest_versions]}
out = {
    "search": [rm(m) for m in c.search_registered_models()],
    "search_like": [m.name for m in c.search_registered_models(filter_string="name LIKE 'ir%'")],
    "search_tag": [m.name for m in c.search_registered_models(filter_string="tags.team = 'ml'")],
    "search_none": [m.name for m in c.search_registered_models(filter_string="name = 'scratch2'")],
    "get": rm(c.get_registered_model("iris")),
    "v1": mv(c.get_model_version("iris", "1")),
    "v2": mv(c.get_model_version("iris", "2")),
    "champion": mv(c.get_model_version_by_alias("iris", "champion")),
    "versions": [mv(v) for v in c.search_model_versions("name='iris'")],
    "by_run": [v.version for v in c.search_model_versions(f"run_id='{registering}'", order_by=["version_number ASC"])],
    "latest": [mv(v) for v in c.get_latest_versions("iris")],
    "pred1": mlflow.pyfunc.load_model("models:/iris/1").predict(X).tolist(),
    "pred2": mlflow.pyfunc.load_model("models:/iris/2").predict(X).tolist(),
    "pred_champion": mlflow.pyfunc.load_model("models:/iris@champion").predict(X[:8]).tolist(),
}
json.dump(out, open(sys.argv[1], "w"), indent=1, sort_keys=True)
`;

/** Under mlci only: what mlci's registry refuses, then a version registered by a run that fails. */
const REFUSE = `
import json, sys, mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
c = MlflowClient()
out = {}
def attempt(name, call):
    try:
        call()
        out[name] = "accepted"
    except MlflowException as e:
        out[name] = {"code": e.error_code, "message": e.message}
attempt("delete_version", lambda: c.delete_model_version("iris", "1"))
attempt("delete_model", lambda: c.delete_registered_model("iris"))
attempt("delete_alias", lambda: c.delete_registered_model_alias("iris", "champion"))
attempt("rename", lambda: c.rename_registered_model("iris", "iris2"))
attempt("bad_filter", lambda: c.search_registered_models(filter_string="flavor = 'sklearn'"))
attempt("bad_alias", lambda: c.set_registered_model_alias("iris", "v9", "1"))
attempt("bad_name", lambda: c.create_registered_model("iris classifier"))
X, y = load_iris(return_X_y=True)
with mlflow.start_run():
    info = mlflow.sklearn.log_model(LogisticRegression(max_iter=50).fit(X, y), name="model", registered_model_name="iris")
    out["pending"] = info.registered_model_version
    out["pending_message"] = c.get_model_version("iris", info.registered_model_version).status_message
    attempt("delete_pending", lambda: c.delete_model_version("iris", info.registered_model_version))
    info = mlflow.sklearn.log_model(LogisticRegression(max_iter=60).fit(X, y), name="model2", registered_model_name="iris")
    c.set_registered_model_alias("iris", "challenger", info.registered_model_version)
    out["challenger"] = c.get_model_version_by_alias("iris", "challenger").version
    json.dump(out, open(sys.argv[1], "w"), indent=1)
    raise SystemExit("the training diverged")
`;

let project: string;
let server: { uri: string; stop(): void };
let seen: { mlci: any; direct: any };
let read: { mlci: any; direct: any };
let record: any;
let refused: any;
let refuseRun: CliRun;
let listed: any;
let shown: any;
let listedAfter: any;

const cli = async (args: string[]) => {
  const result = await runCli(args, { cwd: project });
  if (result.exitCode !== 0) throw new Error(`mlci ${args.join(' ')} failed (${result.exitCode}): ${result.stderr}`);
  return result;
};
const json = async (file: string) => JSON.parse(await readFile(join(project, file), 'utf8'));

beforeAll(async () => {
  const mlflowDir = await mkdtemp(join(tmpdir(), 'mlci-mlflow-registry-'));
  const serverStarting = startMlflowServer(mlflowDir);
  serverStarting.catch(() => {});
  project = await freshProject({ 'register.py': REGISTER, 'read.py': READ, 'refuse.py': REFUSE });
  const quiet = ['--system-metrics-interval', '0'];
  record = jsonOf(await cli(['train', '--json', ...quiet, '--', 'python3', 'register.py', 'seen-mlci.json']));
  // A second command: its endpoint serves what the first published, from .mlci/registry.
  await cli(['train', ...quiet, '--', 'python3', 'read.py', 'read-mlci.json', 'seen-mlci.json']);
  listed = jsonOf(await cli(['models', 'list', '--json']));
  shown = jsonOf(await cli(['models', 'show', 'iris@champion', '--json']));
  refuseRun = await runCli(['train', ...quiet, '--', 'python3', 'refuse.py', 'refused.json'], { cwd: project });
  refused = await json('refused.json');
  listedAfter = jsonOf(await cli(['models', 'list', '--json']));

  server = await serverStarting;
  const env = { ...process.env, MLFLOW_TRACKING_URI: server.uri };
  await run('python3', ['register.py', 'seen-direct.json'], { cwd: project, env });
  await run('python3', ['read.py', 'read-direct.json', 'seen-direct.json'], { cwd: project, env });
  seen = { mlci: await json('seen-mlci.json'), direct: await json('seen-direct.json') };
  read = { mlci: await json('read-mlci.json'), direct: await json('read-direct.json') };
}, 600_000);

afterAll(() => server?.stop());

describe('the MLflow Model Registry REST API on mlci’s endpoint', () => {
  it('lets the registering script run as it does against mlflow server: versions 1 and 2, the champion loads during the run', () => {
    expect(record.status).toBe('FINISHED');
    expect(seen.mlci.run_id).toBe(record.id);
    expect(seen.mlci.versions).toEqual(['1', '2']);
    expect(seen.mlci.versions).toEqual(seen.direct.versions);
    expect(seen.mlci.during).toEqual(seen.direct.during);
  });

  it('reads back through MlflowClient the same as mlflow server (ids and times aside), loading the versions from mlci’s registry files', () => {
    expect(read.mlci.v1).toMatchObject({ version: '1', aliases: ['champion'], description: 'first fit', registering_run: true });
    expect(read.mlci.search_none).toEqual([]);
    expect(read.mlci.by_run).toEqual(['1', '2']);
    expect(read.mlci.pred1).toHaveLength(150);
    expect(read.mlci).toEqual(read.direct);
  });

  it('leaves the versions in mlci’s registry: models list and show see them, with the alias', () => {
    const iris = listed.find((m: any) => m.name === 'iris');
    expect(iris.versions.map((v: any) => [v.version, v.runId])).toEqual([
      ['0.1.0', record.id],
      ['0.2.0', record.id],
    ]);
    expect(iris.aliases).toEqual({ champion: '0.1.0' });
    expect(listed.map((m: any) => m.name)).toEqual(['iris']);
    expect(shown).toMatchObject({ name: 'iris', version: '0.1.0', tag: 'iris@v0.1.0', runId: record.id, aliases: ['champion'] });
    expect(shown.assets.map((a: any) => a.path)).toContain('model/MLmodel');
  });

  it('refuses what mlci’s permanent versions and alias history cannot do, with MLflow’s error codes and the reason', () => {
    for (const key of ['delete_version', 'delete_model', 'delete_alias', 'rename']) {
      expect(refused[key].code, key).toBe('PERMISSION_DENIED');
      expect(refused[key].message, key).toMatch(/mlci/);
    }
    expect(refused.delete_version.message).toContain('iris@v0.1.0');
    expect(refused.bad_filter).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("'flavor'") });
    expect(refused.bad_alias.code).toBe('INVALID_PARAMETER_VALUE');
    expect(refused.bad_name).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('letters, digits') });
  });

  it('drops what a run that fails registered: nothing is published, and the failing run still saw its versions', () => {
    expect(refuseRun.exitCode).toBe(1);
    expect(refused.pending).toBe('3');
    expect(refused.pending_message).toMatch(/published to mlci's registry .* when the run ends FINISHED/);
    expect(refused.delete_pending).toBe('accepted');
    expect(refused.challenger).toBe('3');
    expect(refuseRun.stderr).toMatch(/ended FAILED: the registry changes it made through MLflow \(iris\) were not applied/);
    const iris = listedAfter.find((m: any) => m.name === 'iris');
    expect(iris.versions.map((v: any) => v.version)).toEqual(['0.1.0', '0.2.0']);
    expect(iris.aliases).toEqual({ champion: '0.1.0' });
  });
});
