/**
 * build-serve-image's Node-only image, with the real docker, through the runner harness: the iris-like sklearn
 * model (make_iris_like.py) is converted to ONNX on the build machine with a parity check, and the image is node +
 * the bundle + onnxruntime-node + the baked conversion on a FROM-scratch node base (node-base.ts: no shell, no
 * Python), so it can only serve through ONNX. It must answer /invocations with sklearn's own predictions and /health
 * must name the ONNX path. A model skl2onnx cannot convert (a user transformer) still builds, as the Python image
 * on the local Debian base (debian-base.ts), and serves through the worker. Skip rules as image.test.ts: no engine
 * runs builder none (the name says the container step was not exercised); no base skips saying why; no
 * onnxruntime-node or skl2onnx skips saying so.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runAction } from '../harness/runner';
import { onnxPathMissing } from './helpers';
import { localBase, startEngine, type Engine } from './container-engine';
import { nodeBase } from './node-base';

const missing = onnxPathMissing();

const found = missing.length ? { engine: null, reason: 'skipped' } : await startEngine();
const engine: Engine | null = found.engine;
const dir = mkdtempSync(join(tmpdir(), 'mlci-image-onnx-'));
const env = { ...(engine?.env ?? {}), MLCI_ONNX_CACHE: join(dir, 'cache') };
let nodeTag = '';
let debianTag = '';
let noBase = '';
/** sklearn's own predictions for each model's input example. */
const expected: Record<string, unknown[]> = {};

const PREDICT = `
import json, sys
import mlflow.sklearn, pandas as pd
d = sys.argv[1]
body = json.load(open(d + "/serving_input_example.json"))
split = body["dataframe_split"]
print(json.dumps(mlflow.sklearn.load_model(d).predict(pd.DataFrame(split["data"], columns=split["columns"])).tolist()))
`;

const docker = (args: string[]) => spawnSync('docker', args, { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });

describe.skipIf(missing.length > 0)(
  `build-serve-image: Node-only ONNX image${missing.length ? ` (SKIPPED: ${missing.join('; ')})` : ''}`,
  () => {
    beforeAll(() => {
      execFileSync('python3', [join(import.meta.dirname, 'make_iris_like.py'), join(dir, 'iris')], { stdio: ['ignore', 'ignore', 'pipe'] });
      execFileSync('python3', [join(import.meta.dirname, 'make_onnx_path_models.py'), join(dir, 'p')], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      for (const [name, model] of [
        ['iris', join(dir, 'iris/model')],
        ['custom', join(dir, 'p/custom')],
      ])
        expected[name] = JSON.parse(execFileSync('python3', ['-c', PREDICT, model], { encoding: 'utf8' }).trim().split('\n').pop()!);
      if (!engine) return;
      const made = nodeBase(engine.env, repoRoot);
      if (made.tag === null) noBase = made.reason;
      else nodeTag = made.tag;
      const debian = localBase(engine.env);
      if (debian.tag === null) noBase ||= debian.reason;
      else debianTag = debian.tag;
    }, 900_000);
    afterAll(async () => {
      await engine?.stop();
    });

    const build = (model: string, extra: Record<string, string> = {}) =>
      runAction('build-serve-image', {
        // The workspace is the repository, whose node_modules holds onnxruntime-node (as a user's project would).
        workspace: repoRoot,
        inputs: {
          model,
          builder: engine ? 'docker' : 'none',
          ...(engine ? { 'node-image': nodeTag, 'python-image': debianTag } : {}),
          'context-dir': join(dir, `ctx-${Math.random().toString(36).slice(2)}`),
          'smoke-requests': '40',
          ...extra,
        },
        env,
      });

    const title = engine
      ? `builds the Node-only image with docker (${engine.description}) on a scratch node base: /invocations gives sklearn's predictions, /health says onnx`
      : `container step NOT exercised (${found.reason}): the Node-only context serves through ONNX from the context`;
    it(
      title,
      async (t) => {
        if (engine && !nodeTag) t.skip(`no local node base image: ${noBase}`);
        const run = await build(join(dir, 'iris/model'), { image: 'mlci-test/iris-onnx' });
        expect(run.exitCode, run.stdout + run.stderr).toBe(0);
        expect(run.outputs.runtime).toBe('onnx');
        expect(run.summary).toMatch(
          /Serves through ONNX \(node \+ onnxruntime-node, no Python\): converted at build time, parity on \d+ rows/,
        );
        const result = JSON.parse(readFileSync(run.outputs['result-file'], 'utf8'));
        expect(result.smoke.predictions).toEqual(expected.iris);
        expect(result.smoke.health).toMatchObject({
          status: 'ok',
          path: 'onnx',
          loader: 'sklearn',
          runtime: expect.stringMatching(/^onnxruntime-node /),
        });
        expect(result.smoke.health.fallback).toBeUndefined();
        expect(result.smoke.load).toMatchObject({ requests: 40, ok: 40, errors: 0 });
        expect(result.runtime).toMatchObject({ path: 'onnx', onnx: { converted: true }, onnxRuntime: { arch: process.arch } });
        expect(result.context.requirements).toEqual([]);
        expect(result.context.files.some((f: string) => f.startsWith('onnx-cache/'))).toBe(true);
        if (!engine) return;
        expect(result.container).toMatchObject({ exercised: true, stopExitCode: 0 });
        expect(result.container.stopSeconds).toBeLessThan(8);
        // No Python (nor a shell) in the image: the ONNX path is the only one it has.
        expect(docker(['run', '--rm', '--entrypoint', 'python3', run.outputs.image, '--version']).status).not.toBe(0);
        const size = Number(docker(['image', 'inspect', '--format', '{{.Size}}', run.outputs.image]).stdout.trim());
        const baseSize = Number(docker(['image', 'inspect', '--format', '{{.Size}}', nodeTag]).stdout.trim());
        // The bundle, onnxruntime-node's linux binaries (about 46 MB) and the model: well under 100 MB over node.
        expect(size - baseSize).toBeLessThan(100e6);
      },
      600_000,
    );

    const fallbackTitle = engine
      ? 'a model skl2onnx cannot convert still builds: the Python image on the Debian base, served by the worker, with the reason'
      : `container step NOT exercised (${found.reason}): a model skl2onnx cannot convert gets the Python context and serves through the worker`;
    it(
      fallbackTitle,
      async (t) => {
        if (engine && !debianTag) t.skip(`no local Debian base image: ${noBase}`);
        const run = await build(join(dir, 'p/custom'), { image: 'mlci-test/custom-python' });
        expect(run.exitCode, run.stdout + run.stderr).toBe(0);
        expect(run.outputs.runtime).toBe('python');
        expect(run.stdout).toMatch(
          /building the Python image: the model does not take the ONNX path \(skl2onnx could not convert.*Doubler/,
        );
        expect(run.summary).toMatch(/Serves through the Python worker: skl2onnx could not convert/);
        const result = JSON.parse(readFileSync(run.outputs['result-file'], 'utf8'));
        expect(result.runtime).toMatchObject({ path: 'python', onnx: { converted: false, reason: expect.stringMatching(/Doubler/) } });
        expect(result.smoke.predictions).toEqual(expected.custom);
        expect(result.smoke.health).toMatchObject({ status: 'ok', path: 'python' });
        expect(result.context.requirements).toEqual(expect.arrayContaining([expect.stringMatching(/^cloudpickle/), 'pyyaml']));
        if (engine) expect(result.container).toMatchObject({ exercised: true, stopExitCode: 0 });
      },
      900_000,
    );
  },
);
