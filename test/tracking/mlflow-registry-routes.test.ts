/**
 * The Model Registry routes' own rules, through `train()` with a real child process speaking MLflow's REST API
 * (a Node script, so every request and answer is visible): sources that are not the run's model, search
 * filters, order and pages, JSON bodies on DELETE, a run that fails publishing nothing, a FINISHED run publishing
 * through promote(), and a later command reading the published files, checked against their SHA-256.
 */
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalRegistry, assignAlias, listModels, localMlflowRegistry } from '../../packages/registry/src/index';
import { LocalStore } from '../../packages/store/src/index';
import { train } from '../../packages/tracking/src/train';

const CLIENT = `
const [mode, out, exitCode] = process.argv.slice(2);
const base = process.env.MLFLOW_TRACKING_URI;
const api = async (method, path, body) => {
  const query = method === 'GET' && body ? '?' + new URLSearchParams(body) : '';
  const res = await fetch(base + '/api/2.0/mlflow/' + path + query, {
    method,
    headers: { 'content-type': 'application/json' },
    body: method === 'GET' || body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
};
const result = {};
if (mode === 'register') {
  const { json: { run } } = await api('POST', 'runs/create', { experiment_id: '0' });
  const id = run.info.run_id;
  for (const [path, text] of [['model/MLmodel', 'flavors: {}\\n'], ['model/model.bin', 'weights-' + exitCode]])
    await fetch(base + '/api/2.0/mlflow-artifacts/artifacts/0/' + id + '/artifacts/' + path, { method: 'PUT', body: text });
  result.runId = id;
  result.create = await api('POST', 'registered-models/create', { name: 'm', tags: [{ key: 'team', value: 'ml' }] });
  await api('POST', 'registered-models/create', { name: 'a-model' });
  result.foreign = await api('POST', 'model-versions/create', { name: 'm', source: 's3://bucket/model' });
  result.noModel = await api('POST', 'model-versions/create', { name: 'm', source: 'runs:/' + id + '/elsewhere' });
  result.missingModel = await api('POST', 'model-versions/create', { name: 'nope', source: 'runs:/' + id + '/model' });
  result.v1 = await api('POST', 'model-versions/create', { name: 'm', source: 'runs:/' + id + '/model' });
  result.v2 = await api('POST', 'model-versions/create', { name: 'm', source: 'mlflow-artifacts:/0/' + id + '/artifacts/model' });
  result.uri = await api('GET', 'model-versions/get-download-uri', { name: 'm', version: '1' });
  result.page1 = await api('GET', 'registered-models/search', { max_results: '1' });
  result.page2 = await api('GET', 'registered-models/search', { max_results: '1', page_token: result.page1.json.next_page_token });
  result.desc = await api('GET', 'registered-models/search', { order_by: 'name DESC' });
  result.or = await api('GET', 'registered-models/search', { filter: "name = 'm' OR name = 'a-model'" });
  result.byTag = await api('GET', 'registered-models/search', { filter: "tags.team = 'ml'" });
  result.byNumber = await api('GET', 'model-versions/search', { filter: "name = 'm' AND version_number = 2" });
  result.badOrder = await api('GET', 'model-versions/search', { order_by: 'flavor ASC' });
  result.alias = await api('POST', 'registered-models/alias', { name: 'm', alias: 'champion', version: '1' });
  result.byAlias = await api('GET', 'registered-models/alias', { name: 'm', alias: 'champion' });
  result.deleted = await api('DELETE', 'registered-models/delete', { name: 'a-model' });
  result.afterDelete = await api('GET', 'registered-models/get', { name: 'a-model' });
  result.stage = await api('POST', 'model-versions/transition-stage', { name: 'm', version: '1', stage: 'Production' });
} else {
  result.uri = await api('GET', 'model-versions/get-download-uri', { name: 'm', version: '1' });
  const listing = await fetch(base + '/api/2.0/mlflow-artifacts/artifacts?path=mlci-registry/m/0.1.0/model');
  result.listing = await listing.json();
  const file = await fetch(base + '/api/2.0/mlflow-artifacts/artifacts/mlci-registry/m/0.1.0/model/model.bin');
  result.file = { status: file.status, text: await file.text() };
  result.model = await api('GET', 'registered-models/get', { name: 'm' });
}
await import('node:fs').then((fs) => fs.writeFileSync(out, JSON.stringify(result)));
process.exit(Number(exitCode ?? 0));
`;

let dir: string;
let store: LocalStore;
let failed: { result: any; record: any };
let finished: { result: any; record: any };
let read: any;
let tampered: any;

async function command(mode: string, out: string, exitCode: number) {
  const port = localMlflowRegistry(store);
  const { record } = await train({
    command: [process.execPath, join(dir, 'client.mjs'), mode, join(dir, out), String(exitCode)],
    projectDir: dir,
    store,
    systemMetricsInterval: 0,
    forwardSignals: false,
    modelRegistry: port,
  });
  return { result: JSON.parse(await readFile(join(dir, out), 'utf8')), record };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlci-registry-routes-'));
  await writeFile(join(dir, 'client.mjs'), CLIENT);
  store = new LocalStore({ root: join(dir, '.mlci') });
  failed = await command('register', 'failed.json', 3);
  finished = await command('register', 'finished.json', 0);
  read = (await command('read', 'read.json', 0)).result;
  // Damage the stored bytes of model.bin: the next read must refuse them.
  const version = (await new LocalRegistry({ store }).listVersions('m'))[0];
  const file = version.card.files.find((f) => f.path === 'model/model.bin')!;
  await chmod(store.blobPath(file.sha256), 0o644);
  await writeFile(store.blobPath(file.sha256), 'tampered');
  tampered = (await command('read', 'tampered.json', 0)).result;
}, 240_000);

describe('the registry routes', () => {
  it('registers only the run’s own model directory, with MLflow’s error shapes', () => {
    const r = finished.result;
    expect(r.create.json.registered_model).toMatchObject({ name: 'm', tags: [{ key: 'team', value: 'ml' }], latest_versions: [] });
    expect(r.foreign).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(r.foreign.json.message).toContain("Invalid model version source: 's3://bucket/model'");
    expect(r.noModel.json.message).toMatch(/holds no MLmodel file/);
    expect(r.missingModel).toMatchObject({
      status: 404,
      json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=nope not found' },
    });
    expect(r.v1.json.model_version).toMatchObject({ name: 'm', version: '1', status: 'READY', run_id: r.runId, current_stage: 'None' });
    expect(r.v1.json.model_version.status_message).toMatch(/published to mlci's registry/);
    expect(r.v2.json.model_version.version).toBe('2');
    expect(r.uri.json.artifact_uri).toBe(`mlflow-artifacts:/0/${r.runId}/artifacts/model`);
    expect(r.stage).toMatchObject({ status: 404, json: { error_code: 'ENDPOINT_NOT_FOUND' } });
  });

  it('searches in MLflow’s registry grammar: pages, order, tags, version numbers; anything else is INVALID_PARAMETER_VALUE', () => {
    const r = finished.result;
    expect(r.page1.json.registered_models.map((m: any) => m.name)).toEqual(['a-model']);
    expect(r.page2.json.registered_models.map((m: any) => m.name)).toEqual(['m']);
    expect(r.page2.json.next_page_token).toBeUndefined();
    expect(r.desc.json.registered_models.map((m: any) => m.name)).toEqual(['m', 'a-model']);
    expect(r.byTag.json.registered_models.map((m: any) => m.name)).toEqual(['m']);
    expect(r.byNumber.json.model_versions.map((v: any) => v.version)).toEqual(['2']);
    expect(r.or).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(r.or.json.message).toContain('joined with AND');
    expect(r.badOrder).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE' } });
  });

  it('reads DELETE fields from the JSON body and aliases by name', () => {
    const r = finished.result;
    expect(r.deleted).toEqual({ status: 200, json: {} });
    expect(r.afterDelete.status).toBe(404);
    expect(r.byAlias.json.model_version).toMatchObject({ version: '1', aliases: ['champion'] });
  });

  it('publishes nothing for a run that failed, and the versions of a FINISHED run through promote()', async () => {
    expect(failed.record.status).toBe('FAILED');
    expect(failed.result.v1.json.model_version.version).toBe('1');
    expect(finished.record.status).toBe('FINISHED');
    const [m] = await listModels(new LocalRegistry({ store }));
    expect(m.name).toBe('m');
    expect(m.versions.map((v) => [v.version, v.runId])).toEqual([
      ['0.1.0', finished.record.id],
      ['0.2.0', finished.record.id],
    ]);
    expect(m.aliases).toEqual({ champion: '0.1.0' });
    // a-model was created and deleted in the run: no metadata is left for it; m keeps its tag.
    const meta = JSON.parse(await readFile(join(dir, '.mlci', 'registry', '.mlflow', 'm.json'), 'utf8'));
    expect(meta.tags).toEqual({ team: 'ml' });
    await expect(readFile(join(dir, '.mlci', 'registry', '.mlflow', 'a-model.json'))).rejects.toThrow();
  });

  it('does not overwrite an alias someone else moved while the run ran (compare-and-swap against what the script saw)', async () => {
    const registry = new LocalRegistry({ store });
    const session = localMlflowRegistry(store);
    expect((await session.model('m'))!.aliases).toEqual({ champion: 1 });
    // challenger is unassigned when the script reads the registry; someone assigns it before the run ends.
    await assignAlias({ registry, name: 'm', version: '0.1.0', alias: 'challenger' });
    await session.setAlias('m', 'challenger', 2);
    await expect(session.finish(finished.record)).rejects.toThrow(
      /m@challenger was moved to v0\.1\.0 while run .* ran \(it was unassigned/,
    );
    expect((await listModels(registry))[0].aliases).toEqual({ challenger: '0.1.0', champion: '0.1.0' });
  });

  it('serves a published version’s files to a later command, and refuses bytes that no longer match their SHA-256', () => {
    expect(read.uri.json.artifact_uri).toBe('mlflow-artifacts:/mlci-registry/m/0.1.0/model');
    expect(read.listing.files.map((f: any) => [f.path, f.is_dir]).sort()).toEqual([
      ['MLmodel', false],
      ['model.bin', false],
    ]);
    expect(read.file).toEqual({ status: 200, text: 'weights-0' });
    expect(read.model.json.registered_model.latest_versions[0]).toMatchObject({ version: '2' });
    expect(read.model.json.registered_model.latest_versions[0].status_message).toBeUndefined();
    expect(tampered.file.status).toBe(400);
    expect(tampered.file.text).toContain('does not match its checksum');
  });
});
