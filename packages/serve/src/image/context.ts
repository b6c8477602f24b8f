import { chmod, cp, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { MlciError, inputError, silentLogger, writeFileAtomic, type Logger } from '@mlci/core';
import { convertToOnnx, type ConvertOptions, type Parity } from '../convert';
import { inspectModelDir } from '../model-dir';
import { loadOnnxRuntime } from '../onnx';
import type { ModelInfo } from '../types';
import { ONNX_CACHE_DIR, renderDockerfile, type DockerfileOptions } from './dockerfile';

export interface ImageContextOptions {
  /** The model directory to bake in (as `mlci serve` takes it). */
  modelDir: string;
  /** Where to write the context; emptied first. */
  outDir: string;
  /** The bundled mlci (the directory holding cli.js and chunks/). */
  serverDist: string;
  /** Passed to renderDockerfile (bases, port, labels). */
  dockerfile?: Pick<DockerfileOptions, 'nodeImage' | 'pythonImage' | 'port' | 'labels'>;
  /**
   * What an sklearn model runs on in the image. auto: converted to ONNX here (convertToOnnx: skl2onnx, parity
   * checked in onnxruntime-node) and served by node + onnxruntime-node with no Python, when it converts and
   * matches; else the Python image, with the reason logged. onnx: the conversion must succeed. python: always the
   * Python image. Other loaders keep their own runtime. @default auto
   */
  runtime?: 'auto' | 'onnx' | 'python';
  /** The conversion's Python (with scikit-learn and skl2onnx) and host cache. @default convertToOnnx's */
  convert?: Pick<ConvertOptions, 'python' | 'cacheDir' | 'timeoutMs'>;
  /** The image's CPU architecture (onnxruntime-node's binaries for other platforms are left out). @default process.arch */
  arch?: string;
  logger?: Logger;
}

/** For an sklearn model: the conversion baked into the image, or why the image is the Python one. */
export type ImageOnnx =
  { converted: true; key: string; parity: Parity; cached: boolean } | { converted: false; reason: string; forced: boolean };

export interface ImageContext {
  /** Absolute context directory: Dockerfile, .dockerignore, app/, model/, requirements.txt. */
  dir: string;
  model: ModelInfo;
  /** The Dockerfile text written. */
  dockerfile: string;
  /** Python packages the image installs (the model's requirements, adjusted for the loader); none for an ONNX image. */
  requirements: string[];
  /** What serves in the image: onnx (node + onnxruntime-node, no Python) or python (a Python worker). */
  runtime: 'onnx' | 'python';
  /** sklearn models: the ONNX conversion baked in, or why not; null for other loaders. */
  onnx: ImageOnnx | null;
  /** onnxruntime-node copied into app/node_modules (pruned to linux/<arch>), or null when the Dockerfile npm installs it. */
  onnxRuntime: { version: string; arch: string; pruned: string[] } | null;
}

/**
 * Writes a Docker build context that holds only what serving needs: the bundled server, the model files and
 * either the model's Python requirements or, for an sklearn model that converts to ONNX with parity (and for
 * native .onnx models), onnxruntime-node and the conversion. A converted model's cache entry (model.onnx +
 * meta.json, keyed by the model's hash) goes under onnx-cache/, which the image names as MLCI_ONNX_CACHE: the
 * server in the image finds the conversion exactly as a restarted `mlci serve` finds its cache, and never needs
 * Python. For the Python image, mlflow itself is dropped from the requirements (the sklearn loader unpickles
 * directly; PyYAML, which reads MLmodel, is added): the image is far smaller and starts faster.
 */
export async function buildImageContext(options: ImageContextOptions): Promise<ImageContext> {
  const model = await inspectModelDir(options.modelDir);
  const dist = resolve(options.serverDist);
  if (!(await stat(join(dist, 'cli.js')).catch(() => null)))
    throw inputError(`no bundled server (cli.js) in ${dist}`, { hint: 'build mlci first: node scripts/build.mjs' });
  const dir = resolve(options.outDir);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'app'), { recursive: true });
  await cp(join(dist, 'cli.js'), join(dir, 'app/cli.js'));
  for (const sub of ['chunks', 'workers'])
    if (await stat(join(dist, sub)).catch(() => null)) await cp(join(dist, sub), join(dir, 'app', sub), { recursive: true });
  // The bundle is ESM in .js files: say so beside it, as the repository's package.json does.
  await writeFileAtomic(
    join(dir, 'app/package.json'),
    JSON.stringify({ name: 'mlci-serve-image', private: true, type: 'module' }, null, 2) + '\n',
  );
  await cp(model.dir, join(dir, 'model'), { recursive: true, filter: (p) => !/(^|\/)(__pycache__|\.git)(\/|$)/.test(p) });
  const baked = await inspectModelDir(join(dir, 'model'));

  const onnx = model.loader === 'sklearn' ? await bakeConversion(baked, dir, options) : null;
  const runtime = model.runtime === 'onnx' || onnx?.converted ? 'onnx' : 'python';
  let onnxRuntime: ImageContext['onnxRuntime'] = null;
  if (runtime === 'onnx') {
    const arch = options.arch ?? process.arch;
    const found = await findOnnxRuntimePackage();
    // Not found here (a native .onnx model on a machine without it): the Dockerfile npm installs it instead.
    if (found) onnxRuntime = await copyOnnxRuntime(found, join(dir, 'app/node_modules'), arch);
    else if (onnx?.converted) throw inputError('onnxruntime-node checked the conversion but its package directory cannot be found');
  }

  let requirements = runtime === 'python' ? model.requirements : [];
  if (runtime === 'python' && model.loader === 'sklearn')
    requirements = [
      ...requirements.filter((r) => !/^mlflow([-_a-z]*)?\b/i.test(r)),
      ...(requirements.some((r) => /^pyyaml\b/i.test(r)) ? [] : ['pyyaml']),
    ];
  if (requirements.length) await writeFileAtomic(join(dir, 'requirements.txt'), requirements.join('\n') + '\n');
  const dockerfile = renderDockerfile({
    runtime,
    hasRequirements: requirements.length > 0,
    onnxRuntimeInContext: !!onnxRuntime,
    onnxCache: !!onnx?.converted,
    ...(onnx ? { serveRuntime: runtime } : {}),
    ...options.dockerfile,
  });
  await writeFileAtomic(join(dir, 'Dockerfile'), dockerfile);
  await writeFileAtomic(join(dir, '.dockerignore'), '**/__pycache__\n**/.git\n');
  return { dir, model: baked, dockerfile, requirements, runtime, onnx, onnxRuntime };
}

/**
 * Converts the context's copy of an sklearn model (the same files the image serves, so the same hash the server
 * in the image computes) and puts the cache entry under onnx-cache/<hash>/. Returns why not when it does not
 * convert or match (or runtime python), and throws when runtime onnx was asked and it cannot.
 */
async function bakeConversion(model: ModelInfo, dir: string, options: ImageContextOptions): Promise<ImageOnnx> {
  const logger = options.logger ?? silentLogger;
  const runtime = options.runtime ?? 'auto';
  if (runtime === 'python') return { converted: false, reason: 'runtime python was asked', forced: true };
  const conversion = await loadOnnxRuntime().then(
    () => convertToOnnx(model, { ...options.convert, logger }),
    (error: Error) => ({ ok: false as const, reason: error.message }),
  );
  if (!conversion.ok) {
    if (runtime === 'onnx')
      throw new MlciError('input', `the model cannot be served through ONNX: ${conversion.reason}`, {
        file: model.dir,
        hint: 'use runtime auto (or python) to build the Python image for it',
      });
    logger.warn(`building the Python image: the model does not take the ONNX path (${conversion.reason})`);
    return { converted: false, reason: conversion.reason, forced: false };
  }
  const entry = join(dir, ONNX_CACHE_DIR, conversion.key);
  await cp(conversion.dir, entry, { recursive: true });
  // The cache entry was made by mkdtemp (0700) and COPY keeps modes: the image's non-root user must read it.
  await chmod(join(dir, ONNX_CACHE_DIR), 0o755);
  await chmod(entry, 0o755);
  for (const f of await readdir(entry)) await chmod(join(entry, f), 0o644);
  logger.info(
    `building the Node-only image: ONNX conversion ${conversion.key} (${conversion.parity.candidate}; parity on ${conversion.parity.rows} rows, max |diff| ${conversion.parity.maxAbsDiff.toExponential(1)}${conversion.cached ? '; cached' : ''})`,
  );
  return { converted: true, key: conversion.key, parity: conversion.parity, cached: conversion.cached };
}

/** onnxruntime-node's package directory as the server would load it (beside this code, else the current project). */
const findOnnxRuntimePackage = async () =>
  (await packageDir('onnxruntime-node', import.meta.url)) ?? packageDir('onnxruntime-node', join(process.cwd(), 'package.json'));

/** The directory of package `name` as resolved from `from` (its entry, then up to its package.json), or null. */
async function packageDir(name: string, from: string): Promise<string | null> {
  let d: string;
  try {
    d = dirname(createRequire(from).resolve(name));
  } catch {
    return null;
  }
  for (let i = 0; i < 5; i++, d = dirname(d)) {
    const pkg = await readFile(join(d, 'package.json'), 'utf8').catch(() => '');
    if (pkg && JSON.parse(pkg).name === name) return d;
  }
  return null;
}

/**
 * Copies onnxruntime-node (package.json, dist/, and bin/napi-v6/linux/<arch> only: the package ships darwin,
 * win32 and both linux binaries, about 290 MB, of which the image's platform needs about 45 MB) and
 * onnxruntime-common (its dist/) into `nodeModules`. Its install script, sources and the adm-zip / global-agent
 * dependencies (used only by that script) are left out.
 */
async function copyOnnxRuntime(pkg: string, nodeModules: string, arch: string): Promise<NonNullable<ImageContext['onnxRuntime']>> {
  const version = JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8')).version as string;
  const target = join(nodeModules, 'onnxruntime-node');
  await mkdir(target, { recursive: true });
  await cp(join(pkg, 'package.json'), join(target, 'package.json'));
  await cp(join(pkg, 'dist'), join(target, 'dist'), { recursive: true, filter: (p) => !p.endsWith('.map') });
  const bin = join(pkg, 'bin');
  const binaries = await listContext(bin);
  const keep = (f: string) => new RegExp(`^napi-v\\d+/linux/${arch}/`).test(f);
  if (!binaries.some(keep))
    throw inputError(`onnxruntime-node ${version} has no linux/${arch} binary (it has: ${binaries.join(', ')})`, { file: bin });
  for (const f of binaries.filter(keep)) await cp(join(bin, f), join(target, 'bin', f));
  const common = await packageDir('onnxruntime-common', join(pkg, 'package.json'));
  if (!common) throw inputError('onnxruntime-node is installed without onnxruntime-common', { file: pkg });
  await mkdir(join(nodeModules, 'onnxruntime-common'), { recursive: true });
  await cp(join(common, 'package.json'), join(nodeModules, 'onnxruntime-common/package.json'));
  await cp(join(common, 'dist'), join(nodeModules, 'onnxruntime-common/dist'), { recursive: true, filter: (p) => !p.endsWith('.map') });
  const pruned = [...new Set(binaries.filter((f) => !keep(f)).map((f) => f.split('/').slice(1, 3).join('/')))].sort();
  return { version, arch, pruned };
}

/** Files in a context, relative, sorted (for logs and tests). */
export async function listContext(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(p);
      else out.push(p);
    }
  };
  await walk('');
  return out.sort();
}
