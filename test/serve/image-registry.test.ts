/**
 * Serving in the loop: build-serve-image takes `model: iris-like@champion` and resolves it from the GitHub
 * registry itself (releases + alias tags on the GitHub emulator), downloading the files verified into a temp
 * directory. An iris-like scikit-learn model saved by MLflow (with the requirements.txt MLflow writes) is
 * promoted twice and the champion rolled back to v0.1.0, so following the alias (not "latest") is what is
 * tested. With a container engine and the local Debian base (debian-base.ts) the image is really built, which
 * runs `pip install -r requirements.txt` from PyPI; without one the test skips saying why, and the
 * `builder: none` case still resolves, downloads and smoke-tests from the context.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promote, rollback } from '@mlci/registry';
import { LocalStore, type RunRecord } from '@mlci/store';
import { startEmulator, type Emulator } from '../github-emulator/index';
import { repoRoot, runAction } from '../harness/runner';
import { newCommit, registryEnv, registryOn } from '../registry/emulator';
import { localBase, startEngine, type Engine } from './container-engine';

const work = mkdtempSync(join(tmpdir(), 'mlci-serve-registry-'));
let gh: Emulator;
let engine: Engine | null = null;
let engineReason = '';
let base: ReturnType<typeof localBase> | null = null;

/** A FINISHED run whose model/ artifacts are the files of `modelDir` (as `mlci train` records a logged model). */
async function recordModelRun(store: LocalStore, modelDir: string, commit: string): Promise<RunRecord> {
  const artifacts = [];
  for (const name of readdirSync(modelDir).sort()) {
    const info = await store.putBlob({ bytes: await readFile(join(modelDir, name)) });
    artifacts.push({ path: `model/${name}`, sha256: info.sha256, size: info.size });
  }
  const now = Date.now();
  const record: RunRecord = {
    schema: 1,
    id: randomBytes(16).toString('hex'),
    name: 'train-iris-like',
    experiment: 'Default',
    status: 'FINISHED',
    startTime: now,
    endTime: now + 1000,
    exitCode: 0,
    command: ['python3', 'train.py'],
    params: {},
    metrics: { accuracy: [{ step: 0, value: 0.97, timestamp: now }] },
    tags: {},
    artifacts,
    lineage: {
      git: { commit, branch: 'main', dirty: false },
      datasets: [],
      environment: { node: process.version, python: '3.11', platform: 'linux-x64', lockFiles: [], pipFreeze: null },
    },
  };
  await store.putRun(record);
  return record;
}

beforeAll(async () => {
  gh = await startEmulator();
  const made = spawnSync('python3', [join(repoRoot, 'test/serve/make_iris_like.py'), work], { encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
  const store = new LocalStore({ root: join(work, 'project/.mlci') });
  const registry = registryOn(gh);
  for (const message of ['train v1', 'train v2'])
    await promote({
      registry,
      store,
      name: 'iris-like',
      run: (await recordModelRun(store, join(work, 'model'), newCommit(gh, message))).id,
    });
  await rollback({ registry, name: 'iris-like' }); // champion: v0.2.0 -> v0.1.0
  const found = await startEngine();
  engine = found.engine;
  engineReason = found.reason;
  if (engine) base = localBase(engine.env);
}, 900_000);

afterAll(async () => {
  await engine?.stop();
  await gh?.stop();
  rmSync(work, { recursive: true, force: true });
});

const ghEnv = () => ({ ...registryEnv(gh), ...(engine?.env ?? {}) });
const setosaAndVirginica = ['setosa', 'virginica'];

describe('build-serve-image resolves NAME@ALIAS from the GitHub registry', () => {
  it('iris-like@champion: downloads the champion verified, builds on the local Debian base (pip installs its requirements), runs and smoke-tests it', async (ctx) => {
    if (!engine) ctx.skip(`no container engine: ${engineReason}`);
    if (!base || base.tag === null) return ctx.skip(`no local Debian base image: ${base?.reason ?? 'not made'}`);
    const tag = base.tag;
    console.info(`local Debian base: ${base.made}`);
    const started = Date.now();
    const run = await runAction('build-serve-image', {
      inputs: {
        model: 'iris-like@champion',
        'github-token': 'ghs_test_read',
        builder: 'docker',
        'node-image': tag,
        'python-image': tag,
        // The Python image's requirements path is what this test checks (runtime auto would build the Node-only
        // ONNX image wherever onnxruntime-node resolves beside the bundle: image-onnx.test.ts covers that).
        runtime: 'python',
        'smoke-requests': '40',
      },
      env: ghEnv(),
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const out = run.outputs;
    expect(out['model-version']).toBe('0.1.0');
    expect(out.registry).toBe('github');
    expect(out.tags.split('\n')).toEqual(['mlci-serve/iris-like:0.1.0', 'mlci-serve/iris-like:sha-0123456789ab']);
    expect(out['container-tested']).toBe('true');
    expect(run.summary).toContain('version <code>0.1.0</code>, from the GitHub registry <code>octo&#45;org/octo&#45;repo</code>');
    expect(run.summary).toContain('Built and run with docker');

    const result = JSON.parse(readFileSync(out['result-file'], 'utf8'));
    expect(result.smoke.predictions).toEqual(setosaAndVirginica);
    expect(result.container).toMatchObject({ exercised: true, stopExitCode: 0 });
    expect(result.model).toMatchObject({
      ref: 'iris-like@champion',
      loader: 'sklearn',
      version: '0.1.0',
      source: 'registry',
      registry: { kind: 'github', location: 'octo-org/octo-repo' },
    });
    expect(existsSync(result.model.dir), 'the download is removed after the build').toBe(false);
    // MLflow's requirements, mlflow itself dropped (the sklearn loader unpickles directly), PyYAML added.
    expect(result.context.requirements).toEqual(expect.arrayContaining(['scikit-learn==1.9.1', 'skops==0.16.0', 'pyyaml']));
    expect(result.context.requirements.filter((r: string) => /^mlflow/.test(r))).toEqual([]);
    const dockerfile = readFileSync(join(out['context-dir'], 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(
      /^RUN python3 -m venv \/opt\/mlci-venv && \/opt\/mlci-venv\/bin\/python -m pip install .* -r \/tmp\/requirements.txt/m,
    );

    // The requirements path really ran: the image's venv holds the pinned scikit-learn.
    const env = { ...process.env, ...engine!.env };
    const sk = spawnSync(
      'docker',
      ['run', '--rm', '--entrypoint', '/opt/mlci-venv/bin/python', out.image, '-c', 'import sklearn, skops; print(sklearn.__version__)'],
      { env, encoding: 'utf8', timeout: 120_000 },
    );
    expect(sk.stdout.trim(), sk.stderr).toBe('1.9.1');
    const size = Number(
      spawnSync('docker', ['image', 'inspect', '--format', '{{.Size}}', out.image], { env, encoding: 'utf8' }).stdout.trim(),
    );
    console.info(
      `iris-like image ${out.image}: ${(size / 1e6).toFixed(0)} MB, built and smoke-tested in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    expect(size).toBeGreaterThan(0);
  }, 900_000);

  it('builder none: iris-like@v0.2.0 (an exact version, not the champion) is downloaded and served from the context', async () => {
    const run = await runAction('build-serve-image', {
      inputs: { model: 'iris-like@v0.2.0', 'github-token': 'ghs_test_read', builder: 'none', 'smoke-requests': '20' },
      env: registryEnv(gh),
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({
      'model-version': '0.2.0',
      registry: 'github',
      image: 'mlci-serve/iris-like:0.2.0',
      'container-tested': 'false',
    });
    expect(run.summary).toContain('version <code>0.2.0</code>, from the GitHub registry <code>octo&#45;org/octo&#45;repo</code>');
    const result = JSON.parse(readFileSync(run.outputs['result-file'], 'utf8'));
    expect(result.smoke).toMatchObject({ target: 'server-from-context', predictions: setosaAndVirginica });
    expect(gh.conformance).toEqual([]);
  }, 300_000);

  it('auto without a token, or registry: local, looks in .mlci/registry and says where it looked', async () => {
    for (const inputs of [{ 'github-token': '' }, { 'github-token': 'ghs_test_read', registry: 'local' }] as Record<string, string>[]) {
      const run = await runAction('build-serve-image', {
        inputs: { model: 'iris-like@champion', builder: 'none', ...inputs },
        env: { ...registryEnv(gh), GITHUB_TOKEN: '' },
      });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(
        /input "model": iris-like@champion from the local registry \(.*\.mlci\/registry\): no versions of model "iris-like"/,
      );
      expect(run.stdout).toMatch(/the registry is chosen by the `registry` input/);
    }
    const noToken = await runAction('build-serve-image', {
      inputs: { model: 'iris-like@champion', builder: 'none', registry: 'github', 'github-token': '' },
      env: { ...registryEnv(gh), GITHUB_TOKEN: '' },
    });
    expect(noToken.exitCode).toBe(1);
    expect(noToken.stdout).toMatch(/the GitHub registry needs a token/);
    const bad = await runAction('build-serve-image', {
      inputs: { model: 'iris-like@champion', builder: 'none', registry: 'releases' },
      env: registryEnv(gh),
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/input "registry" must be auto, github or local, got "releases"/);
  }, 300_000);

  it('a card naming a path outside the download directory is refused and nothing is written there', async () => {
    // Rewrite v0.2.0's card (and SHA256SUMS to match, as an attacker with write access would) so one file escapes.
    const release = gh.state.releases.find((r) => r.tag_name === 'iris-like@v0.2.0')!;
    const assetOf = (name: string) => gh.state.assets.find((a) => a.releaseId === release.id && a.name === name)!;
    const card = JSON.parse(gh.state.blobs.get(assetOf('card.json').blob)!.toString('utf8'));
    const escape = `../../../../${relative('/', work)}/escaped.txt`;
    card.files[0].path = escape;
    const cardBytes = Buffer.from(JSON.stringify(card));
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const sums = gh.state.blobs
      .get(assetOf('SHA256SUMS').blob)!
      .toString('utf8')
      .split('\n')
      .filter((line) => line && !/ [ *]card\.json$/.test(line));
    sums.push(`${sha(cardBytes)}  card.json`, `${card.files[0].sha256}  ${escape}`);
    gh.state.blobs.set(assetOf('card.json').blob, cardBytes);
    gh.state.blobs.set(assetOf('SHA256SUMS').blob, Buffer.from(sums.join('\n') + '\n'));

    const run = await runAction('build-serve-image', {
      inputs: { model: 'iris-like@v0.2.0', 'github-token': 'ghs_test_read', builder: 'none' },
      env: registryEnv(gh),
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/input "model": iris-like@v0.2.0 from the GitHub registry .*card.json names an unsafe path/);
    expect(existsSync(join(work, 'escaped.txt'))).toBe(false);
  }, 300_000);
});
