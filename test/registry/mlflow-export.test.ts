import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRegistry, exportToMlflow, promote } from '@mlci/registry';
import { freshProject, recordRun } from './fixtures';
import { jsonOf, runCli } from '../harness/cli';
import { freePort, startMlflowServer } from '../tracking/fixtures';

let mlflow: { uri: string; stop(): void };
let uri = '';

beforeAll(async () => {
  const { dir } = await freshProject();
  mlflow = await startMlflowServer(dir, { artifacts: 'default-root' });
  uri = mlflow.uri;
}, 300_000);

afterAll(() => mlflow?.stop());

/** Reads the MLflow registry back with MLflow's own Python client. */
function readBack(name: string): { champion: { version: string; source: string; tags: Record<string, string> }; versions: string[] } {
  const script = `
import json, sys
from mlflow import MlflowClient
c = MlflowClient(tracking_uri=sys.argv[1])
mv = c.get_model_version_by_alias(sys.argv[2], "champion")
vs = sorted(v.version for v in c.search_model_versions(f"name='{sys.argv[2]}'"))
print(json.dumps({"champion": {"version": mv.version, "source": mv.source, "tags": mv.tags}, "versions": vs}))
`;
  return JSON.parse(execFileSync('python3', ['-c', script, uri, name], { encoding: 'utf8' }).trim().split('\n').pop()!);
}

describe('export to an MLflow model registry', () => {
  it('creates the registered model, versions with mlci tags and the champion alias; reruns are idempotent', async () => {
    const { store } = await freshProject();
    const registry = new LocalRegistry({ store });
    const a = await recordRun(store, { content: 'mlflow-A', accuracy: 0.81 });
    const b = await recordRun(store, { content: 'mlflow-B', accuracy: 0.93 });
    await promote({ registry, store, name: 'iris', run: a.id });
    const first = await exportToMlflow({ registry, ref: 'iris@champion', trackingUri: uri });
    expect(first).toMatchObject({ version: '0.1.0', mlflowVersion: '1', existed: false, aliases: ['champion'] });
    expect(readBack('iris').champion).toMatchObject({
      version: '1',
      source: 'mlci-local:///iris@v0.1.0',
      tags: { 'mlci.run_id': a.id, 'mlci.metric.accuracy': '0.81' },
    });

    await promote({ registry, store, name: 'iris', run: b.id });
    const second = await exportToMlflow({ registry, ref: 'iris@champion', trackingUri: uri });
    expect(second).toMatchObject({ version: '0.2.0', mlflowVersion: '2', existed: false });
    const again = await exportToMlflow({ registry, ref: 'iris@v0.2.0', trackingUri: uri });
    expect(again).toMatchObject({ mlflowVersion: '2', existed: true });
    const back = readBack('iris');
    expect(back.versions).toEqual(['1', '2']);
    expect(back.champion.tags['mlci.version']).toBe('0.2.0');
    expect(back.champion.tags['mlci.run_id']).toBe(b.id);
  });

  it('mlci models export does the same from the command line', async () => {
    const { dir, store } = await freshProject();
    const run = await recordRun(store, { content: 'cli-mlflow', accuracy: 0.66 });
    expect((await runCli(['models', 'promote', 'iris', '--run', run.id, '--project', dir])).exitCode).toBe(0);
    const exported = await runCli([
      'models',
      'export',
      'iris@champion',
      '--tracking-uri',
      uri,
      '--mlflow-name',
      'iris-cli',
      '--project',
      dir,
      '--json',
    ]);
    expect(exported.exitCode, exported.stderr).toBe(0);
    expect(jsonOf(exported)).toMatchObject({ mlflowName: 'iris-cli', mlflowVersion: '1', aliases: ['champion'] });
    expect(readBack('iris-cli').champion.tags['mlci.run_id']).toBe(run.id);
  });

  it('names the server when it cannot be reached', async () => {
    const { store } = await freshProject();
    const registry = new LocalRegistry({ store });
    const a = await recordRun(store, { content: 'x', accuracy: 0.5 });
    await promote({ registry, store, name: 'iris', run: a.id });
    const port = await freePort();
    await expect(exportToMlflow({ registry, ref: 'iris', trackingUri: `http://127.0.0.1:${port}` })).rejects.toThrow(
      /cannot reach the MLflow server/,
    );
  });
});
