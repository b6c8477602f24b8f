import { spawn } from 'node:child_process';
import { basename, join } from 'node:path';
import { MlciError, silentLogger, type Logger } from '@mlci/core';
import { loadTest, type LoadTestResult } from '../load';
import { resolveModelRef, type ModelResolver, type ResolvedModel } from '../resolve';
import { buildImage, detectBuilder, pushImage, runImage, tagOf, type Builder } from './builder';
import { buildImageContext, listContext, type ImageContext, type ImageContextOptions } from './context';
import { ONNX_CACHE_DIR } from './dockerfile';

export interface BuildServeImageOptions {
  /** Model directory, or a reference a resolver understands (NAME@ALIAS, run id). */
  model: string;
  /** Resolvers for non-path references. @default none */
  resolvers?: ModelResolver[];
  /** Image repository without tag, e.g. ghcr.io/OWNER/REPO/iris. @default "mlci-serve/<model dir name>" (local only) */
  image?: string;
  /** Model version for the version tag (e.g. 1.2.0); the resolver's version when it gives one. */
  modelVersion?: string;
  /** Commit for the sha-<12 hex> tag and the revision label. @default $GITHUB_SHA */
  commit?: string;
  /** The bundled mlci: directory holding cli.js and chunks/. */
  serverDist: string;
  /** Where the build context is written (emptied first). */
  contextDir: string;
  /** Push the tags (after the smoke test passed). @default false */
  push?: boolean;
  /** auto: docker, then podman; none: skip the container step (build the context, run the server from it). @default auto */
  builder?: 'auto' | 'docker' | 'podman' | 'none';
  /**
   * What an sklearn model runs on in the image. auto: the Node-only image (node + onnxruntime-node, no Python)
   * when the model converts to ONNX here with parity, else the Python image (the reason is logged and in the
   * result); onnx: the conversion must succeed; python: always the Python image. @default auto
   */
  runtime?: 'auto' | 'onnx' | 'python';
  /** The conversion's Python (scikit-learn + skl2onnx) and cache. @default $MLCI_PYTHON / python3, $MLCI_ONNX_CACHE */
  convert?: ImageContextOptions['convert'];
  /** Build args: NODE_IMAGE / PYTHON_IMAGE override the pinned bases. @default {} */
  buildArgs?: Record<string, string>;
  /** Smoke-test requests (bounded), after one checked warm-up. @default 100, bounds 1..100000 */
  smokeRequests?: number;
  /** Smoke-test concurrency. @default 4 */
  smokeConcurrency?: number;
  /** How long the server in the container may take to answer /ping. @default 120000 */
  readyTimeoutMs?: number;
  /** Environment for the builder (DOCKER_HOST, DOCKER_CONFIG). @default process.env */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Log groups (the action passes core.group). @default runs the body */
  group?: <T>(name: string, body: () => Promise<T>) => Promise<T>;
}

export interface BuildServeImageResult {
  /** source: what the reference named; registry: the backend a NAME@ALIAS / NAME@vX.Y.Z came from. */
  model: {
    ref: string;
    dir: string;
    loader: string;
    version: string | null;
    source: ResolvedModel['source'];
    registry: ResolvedModel['registry'] | null;
  };
  context: { dir: string; files: string[]; requirements: string[] };
  /** What serves in the image (onnx: node + onnxruntime-node, no Python), the conversion or why not, and the onnxruntime copied. */
  runtime: { path: ImageContext['runtime']; onnx: ImageContext['onnx']; onnxRuntime: ImageContext['onnxRuntime'] };
  /** Whether the image was built and run. When false, `reason` says why, and the smoke test ran the server from the context. */
  container: {
    exercised: boolean;
    builder: string | null;
    imageId: string | null;
    reason: string | null;
    stopSeconds: number | null;
    stopExitCode: number | null;
  };
  tags: string[];
  /** health: the served /health (its path says onnx or python; checked against the image's runtime). */
  smoke: {
    target: 'container' | 'server-from-context';
    predictions: unknown[];
    health: Record<string, unknown> | null;
    load: Omit<LoadTestResult, 'firstBody'>;
  };
  push: { pushed: boolean; digest: string | null; sbom: boolean; provenance: boolean; reason: string | null };
}

/**
 * build-serve-image: writes the context, builds the image, runs it, smoke-tests /invocations with the model's
 * input example (latency percentiles from a bounded loop), stops it with SIGTERM, then pushes when asked.
 */
export async function buildServeImage(options: BuildServeImageOptions): Promise<BuildServeImageResult> {
  const logger = options.logger ?? silentLogger;
  const group = options.group ?? (<T>(_: string, body: () => Promise<T>) => body());
  const env = options.env ?? process.env;
  const resolved = await resolveModelRef(options.model, options.resolvers);
  try {
    const version = options.modelVersion ?? resolved.version ?? null;
    const commit = options.commit ?? env.GITHUB_SHA ?? '';
    // A registry download sits in .../version/model: name the image after the registered model instead.
    const title = resolved.source === 'registry' ? resolved.ref.split('@')[0] : basename(resolved.dir);
    const image = (options.image ?? `mlci-serve/${tagOf(title).toLowerCase()}`).toLowerCase();
    const tags = [
      ...new Set([`${image}:${version ? tagOf(version) : 'latest'}`, ...(commit ? [`${image}:sha-${commit.slice(0, 12)}`] : [])]),
    ];
    const labels: Record<string, string> = {
      'org.opencontainers.image.title': title,
      ...(version ? { 'org.opencontainers.image.version': version } : {}),
      ...(commit ? { 'org.opencontainers.image.revision': commit } : {}),
      ...(env.GITHUB_REPOSITORY
        ? { 'org.opencontainers.image.source': `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}` }
        : {}),
    };

    const ctx = await group('Build context', async () => {
      const c = await buildImageContext({
        modelDir: resolved.dir,
        outDir: options.contextDir,
        serverDist: options.serverDist,
        dockerfile: { labels },
        runtime: options.runtime,
        convert: options.convert,
        logger,
      });
      logger.info(c.dockerfile);
      return c;
    });
    const example = ctx.model.inputExample;
    if (!example)
      throw new MlciError('input', 'the model has no input example to smoke-test the image with', {
        file: resolved.dir,
        hint: 'save the model with input_example=... (mlflow.<flavor>.save_model / log_model), or add input_example.json',
      });
    const body = JSON.stringify(example);

    const { builder, tried } =
      options.builder === 'none'
        ? { builder: null, tried: ['builder: none (asked)'] }
        : await detectBuilder(env, options.builder === 'docker' || options.builder === 'podman' ? options.builder : 'auto');
    const result: BuildServeImageResult = {
      model: {
        ref: resolved.ref,
        dir: resolved.dir,
        loader: ctx.model.loader,
        version,
        source: resolved.source,
        registry: resolved.registry ?? null,
      },
      context: { dir: ctx.dir, files: await listContext(ctx.dir), requirements: ctx.requirements },
      runtime: { path: ctx.runtime, onnx: ctx.onnx, onnxRuntime: ctx.onnxRuntime },
      container: {
        exercised: false,
        builder: builder ? `${builder.tool} ${builder.version}` : null,
        imageId: null,
        reason: null,
        stopSeconds: null,
        stopExitCode: null,
      },
      tags,
      smoke: { target: builder ? 'container' : 'server-from-context', predictions: [], health: null, load: undefined as never },
      push: { pushed: false, digest: null, sbom: false, provenance: false, reason: null },
    };

    const target = builder
      ? await group(`Build image (${builder.tool})`, async () => {
          result.container.imageId = await buildImage(builder, ctx.dir, tags, options.buildArgs ?? {}, env, logger);
          return startContainer(builder, tags[0], env);
        })
      : await startFromContext(ctx, env);
    if (!builder) {
      result.container.reason = `no container builder can run here (${tried.join('; ')}); the container step was NOT exercised: the server ran from the built context instead`;
      logger.warn(result.container.reason);
    }
    try {
      await group('Smoke test /invocations', async () => {
        await waitReady(target.url, options.readyTimeoutMs ?? 120_000, target.logs);
        const first = await fetch(`${target.url}/invocations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(120_000),
        }).catch((error) => {
          throw new MlciError('input', `the smoke test's first request to ${target.url}/invocations failed: ${(error as Error).message}`, {
            hint: 'the server answered /ping but not a prediction within 120 s: check the container log',
          });
        });
        const text = await first.text();
        if (first.status !== 200)
          throw new MlciError('input', `the smoke test got ${first.status} for the model's input example: ${text.slice(0, 500)}`, {
            hint: 'the image serves, but not this model with its own example: check the signature and requirements',
          });
        result.smoke.predictions = (JSON.parse(text) as { predictions: unknown[] }).predictions;
        // The path that served must be the one the image was built for (an ONNX image never falls back to Python).
        const health = await fetch(`${target.url}/health`, { signal: AbortSignal.timeout(10_000) }).then(
          async (r) => (await r.json()) as Record<string, unknown>,
          () => null,
        );
        result.smoke.health = health;
        if (health?.path !== ctx.runtime)
          throw new MlciError(
            'input',
            `the image was built for the ${ctx.runtime} path but /health says ${health ? `path ${String(health.path)}${health.fallback ? ` (${String(health.fallback)})` : ''}` : 'nothing'}`,
          );
        logger.info(`/health: path ${health.path}, ${String(health.runtime)}`);
        const { firstBody: _f, ...load } = await loadTest({
          url: target.url,
          body,
          requests: options.smokeRequests ?? 100,
          concurrency: options.smokeConcurrency ?? 4,
        });
        result.smoke.load = load;
        if (load.errors)
          throw new MlciError(
            'input',
            `the smoke test had ${load.errors} failed requests of ${load.requests} (${JSON.stringify(load.statuses)})`,
          );
        logger.info(
          `smoke: ${load.ok}/${load.requests} ok, p50 ${load.latencyMs.p50} ms, p95 ${load.latencyMs.p95} ms, p99 ${load.latencyMs.p99} ms, ${load.throughput} req/s`,
        );
      });
    } finally {
      const stopped = await target.stop();
      if (builder) Object.assign(result.container, { exercised: true, stopSeconds: stopped.seconds, stopExitCode: stopped.exitCode });
    }

    if (options.push) {
      if (!builder) result.push.reason = 'no container builder: nothing was built, so nothing was pushed';
      else
        await group('Push', async () => {
          const pushed = await pushImage(builder, ctx.dir, tags, options.buildArgs ?? {}, env, logger);
          Object.assign(result.push, { pushed: true, digest: pushed.digest || null, sbom: pushed.sbom, provenance: pushed.provenance });
          if (!pushed.sbom) result.push.reason = `${builder.tool} has no buildx here: pushed without SBOM or provenance attestations`;
        });
    } else result.push.reason = 'push not requested';
    return result;
  } finally {
    await resolved.cleanup?.();
  }
}

interface Target {
  url: string;
  stop(): Promise<{ seconds: number; exitCode: number | null }>;
  logs(): Promise<string>;
}

async function startContainer(builder: Builder, image: string, env: NodeJS.ProcessEnv): Promise<Target> {
  return runImage(builder, image, 8080, env);
}

/** No builder: run the context's own bundle on its own model dir (and baked conversion), as the image's ENTRYPOINT would. */
async function startFromContext(ctx: ImageContext, env: NodeJS.ProcessEnv): Promise<Target> {
  const dir = ctx.dir;
  const converted = !!ctx.onnx?.converted;
  const child = spawn(
    process.execPath,
    [join(dir, 'app/cli.js'), 'serve', join(dir, 'model'), '--port', '0', '--json', ...(ctx.onnx ? ['--runtime', ctx.runtime] : [])],
    {
      env: { ...env, NO_COLOR: '1', ...(converted ? { MLCI_ONNX_CACHE: join(dir, ONNX_CACHE_DIR) } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      try {
        resolve(JSON.parse(out).url);
      } catch {
        /* not complete yet */
      }
    });
    void exited.then((code) =>
      reject(new MlciError('input', `the server in the context exited ${code} before it was ready:\n${err.slice(-2000)}`)),
    );
  });
  return {
    url,
    async stop() {
      const started = Date.now();
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      return { seconds: (Date.now() - started) / 1000, exitCode: code };
    },
    logs: async () => err,
  };
}

async function waitReady(url: string, timeoutMs: number, logs: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // Each probe bounded: a published port can accept and then never answer (e.g. a container still starting).
    const ok = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new MlciError('input', `the server did not answer /ping within ${timeoutMs} ms; its log:\n${(await logs()).slice(-3000)}`);
}
