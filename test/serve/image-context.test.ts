/**
 * build-serve-image's choice of image, without a container engine: the Dockerfile renderDockerfile writes for each
 * runtime, and the context buildImageContext writes for an sklearn model that converts to ONNX with parity (the
 * Node-only image: onnxruntime-node pruned to this platform, the conversion's cache entry under onnx-cache/, no
 * requirements.txt) and for one skl2onnx cannot convert (the Python image, the reason kept); runtime python and
 * onnx force either. Then the Node-only context is served as its image would be (builder none) and /health names
 * the ONNX path. Skipped, saying so, only when setup could not install onnxruntime-node or skl2onnx.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelHash } from '../../packages/serve/src/convert';
import { buildServeImage } from '../../packages/serve/src/image/build';
import { buildImageContext, listContext } from '../../packages/serve/src/image/context';
import { IMAGE_ONNX_CACHE, renderDockerfile } from '../../packages/serve/src/image/dockerfile';
import { distDir } from '../harness/runner';
import { onnxPathMissing } from './helpers';

describe('renderDockerfile', () => {
  it('Node-only ONNX image: no Python, no shell-form RUN, the baked conversion as MLCI_ONNX_CACHE, --runtime onnx', () => {
    const text = renderDockerfile({
      runtime: 'onnx',
      hasRequirements: false,
      onnxRuntimeInContext: true,
      onnxCache: true,
      serveRuntime: 'onnx',
    });
    const instructions = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(instructions.join('\n')).not.toMatch(/python|venv|pip|npm/i);
    expect(instructions.filter((l) => l.startsWith('RUN '))).toEqual(['RUN ["node", "--version"]']);
    expect(text).toMatch(/^FROM \$\{NODE_IMAGE\}$/m);
    expect(text).toContain(`COPY onnx-cache/ ${IMAGE_ONNX_CACHE}/`);
    expect(text).toContain(`ENV NODE_ENV=production MLCI_ONNX_CACHE=${IMAGE_ONNX_CACHE}`);
    expect(text).toMatch(/^ENTRYPOINT \[.*"serve", "\/model", .*"--runtime", "onnx"\]$/m);
  });

  it('Python image for an sklearn model: venv from requirements.txt and --runtime python; a native .onnx model without onnxruntime-node in the context npm installs it', () => {
    const py = renderDockerfile({ runtime: 'python', hasRequirements: true, serveRuntime: 'python' });
    expect(py).toMatch(/^FROM \$\{PYTHON_IMAGE\}$/m);
    expect(py).toContain('python3 -m venv /opt/mlci-venv');
    expect(py).not.toContain('onnx-cache');
    expect(py).toMatch(/"--runtime", "python"\]$/m);
    const native = renderDockerfile({ runtime: 'onnx', hasRequirements: false });
    expect(native).toMatch(/^RUN .*npm install .*onnxruntime-node@/m);
    expect(native).not.toMatch(/--runtime|MLCI_ONNX_CACHE/);
  });
});

const missing = onnxPathMissing();

const dir = mkdtempSync(join(tmpdir(), 'mlci-image-context-'));
const convert = { cacheDir: join(dir, 'cache') };
const iris = join(dir, 'iris/model');
const custom = join(dir, 'p/custom');

describe.skipIf(missing.length > 0)(`build-serve-image context choice${missing.length ? ` (SKIPPED: ${missing.join('; ')})` : ''}`, () => {
  beforeAll(() => {
    execFileSync('python3', [join(import.meta.dirname, 'make_iris_like.py'), join(dir, 'iris')], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync('python3', [join(import.meta.dirname, 'make_onnx_path_models.py'), join(dir, 'p')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  }, 240_000);

  it('an sklearn model that converts with parity gets the Node-only context: conversion baked by model hash, onnxruntime-node pruned, no requirements', async () => {
    const ctx = await buildImageContext({ modelDir: iris, outDir: join(dir, 'ctx-onnx'), serverDist: distDir, convert });
    expect(ctx.runtime).toBe('onnx');
    expect(ctx.onnx).toMatchObject({ converted: true, parity: { rows: expect.any(Number), candidate: expect.stringMatching(/matrix/) } });
    const key = ctx.onnx?.converted ? ctx.onnx.key : '';
    // The key is the hash the server in the image computes over /model: the context's copy of the model.
    expect(key).toBe(await modelHash(join(ctx.dir, 'model')));
    const files = await listContext(ctx.dir);
    expect(files).toEqual(expect.arrayContaining([`onnx-cache/${key}/model.onnx`, `onnx-cache/${key}/meta.json`, 'model/MLmodel']));
    expect(files).not.toContain('requirements.txt');
    // Readable by the image's non-root user (the cache entry was made 0700 by mkdtemp).
    expect(statSync(join(ctx.dir, 'onnx-cache', key)).mode & 0o777).toBe(0o755);
    expect(statSync(join(ctx.dir, 'onnx-cache', key, 'model.onnx')).mode & 0o777).toBe(0o644);
    expect(ctx.requirements).toEqual([]);
    const binaries = files.filter((f) => f.startsWith('app/node_modules/onnxruntime-node/bin/'));
    expect(binaries.length).toBeGreaterThan(0);
    expect(binaries.every((f) => f.includes(`/linux/${process.arch}/`))).toBe(true);
    expect(files.some((f) => f.startsWith('app/node_modules/onnxruntime-common/dist/'))).toBe(true);
    expect(ctx.onnxRuntime).toMatchObject({ arch: process.arch, pruned: expect.arrayContaining(['darwin/arm64', 'win32/x64']) });
    expect(ctx.dockerfile).not.toMatch(/PYTHON|venv/);
    expect(ctx.dockerfile).toMatch(/"--runtime", "onnx"\]/);
  });

  it('a model skl2onnx cannot convert gets the Python context with the reason; runtime onnx refuses it; runtime python forces the Python image', async () => {
    const ctx = await buildImageContext({ modelDir: custom, outDir: join(dir, 'ctx-custom'), serverDist: distDir, convert });
    expect(ctx.runtime).toBe('python');
    expect(ctx.onnx).toMatchObject({
      converted: false,
      forced: false,
      reason: expect.stringMatching(/skl2onnx could not convert.*Doubler/),
    });
    expect(existsSync(join(ctx.dir, 'onnx-cache'))).toBe(false);
    expect(existsSync(join(ctx.dir, 'app/node_modules'))).toBe(false);
    expect(ctx.requirements).toEqual(expect.arrayContaining([expect.stringMatching(/^scikit-learn/), 'pyyaml']));
    expect(ctx.dockerfile).toMatch(/python3 -m venv/);

    await expect(
      buildImageContext({ modelDir: custom, outDir: join(dir, 'ctx-custom-onnx'), serverDist: distDir, convert, runtime: 'onnx' }),
    ).rejects.toThrow(/cannot be served through ONNX.*Doubler/);

    const forced = await buildImageContext({
      modelDir: iris,
      outDir: join(dir, 'ctx-python'),
      serverDist: distDir,
      convert,
      runtime: 'python',
    });
    expect(forced).toMatchObject({ runtime: 'python', onnx: { converted: false, forced: true } });
    expect(forced.dockerfile).toMatch(/"--runtime", "python"\]/);
  });

  it('builder none: the Node-only context serves through ONNX, with the baked conversion only (no converter Python)', async () => {
    // Warm the cache, then serve with a Python that cannot run: the server must find the baked conversion.
    const result = await buildServeImage({
      model: iris,
      serverDist: distDir,
      contextDir: join(dir, 'ctx-none'),
      builder: 'none',
      convert,
      smokeRequests: 20,
      env: { ...process.env, MLCI_PYTHON: '/nonexistent/python3' },
    });
    expect(result.runtime.path).toBe('onnx');
    expect(result.smoke.health).toMatchObject({ status: 'ok', path: 'onnx', runtime: expect.stringMatching(/^onnxruntime-node /) });
    expect(result.smoke.predictions).toEqual(['setosa', 'virginica']);
    expect(result.smoke.load).toMatchObject({ requests: 20, ok: 20, errors: 0 });
    expect(readdirSync(join(dir, 'ctx-none/onnx-cache'))).toHaveLength(1);
  });
});
