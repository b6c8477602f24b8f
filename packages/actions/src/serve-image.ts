import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeSpan, escapeMarkdown, markdownTable, MlciError, usageError } from '@mlci/core';
import { buildServeImage, projectResolvers, type BuildServeImageResult, type ModelResolver } from '@mlci/serve';
import type { ActionContext } from './context';

/** The bundled mlci beside this code: dist/ (this module runs from dist/chunks/ or dist/actions/). */
function bundledDist(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 3; i++, dir = dirname(dir)) if (existsSync(join(dir, 'cli.js'))) return dir;
  throw usageError('cannot find the bundled mlci (cli.js) beside the action', 'set the server-dist input to the directory holding cli.js');
}

/** build-serve-image: resolve the model, build and smoke-test the image, push if asked. */
export async function serveImageAction(ctx: ActionContext): Promise<void> {
  const { input, env, logger } = ctx;
  const builder = input.choice('builder', ['auto', 'docker', 'podman', 'none'], 'auto');
  const runtime = input.choice(
    'runtime',
    ['auto', 'onnx', 'python'],
    'auto',
    'auto: the Node-only ONNX image when an sklearn model converts with parity, else the Python image',
  );
  const project = input.string('project') || '.';
  const registry = input.choice(
    'registry',
    ['auto', 'github', 'local'],
    'auto',
    'auto: the GitHub registry (releases and alias tags) inside a job with a token, else .mlci/registry',
  );
  const buildArgs: Record<string, string> = {};
  // A runner without Docker Hub (a self-hosted one behind a mirror) names its bases once, in its environment.
  const nodeImage = input.string('node-image') || env.MLCI_NODE_IMAGE;
  const pythonImage = input.string('python-image') || env.MLCI_PYTHON_IMAGE;
  if (nodeImage) buildArgs.NODE_IMAGE = nodeImage;
  if (pythonImage) buildArgs.PYTHON_IMAGE = pythonImage;
  const result = await buildServeImage({
    model: input.required('model'),
    resolvers: projectResolvers(project, { registry, token: ctx.token, env, logger }).map(namingInput),
    image: input.optional('image'),
    modelVersion: input.optional('model-version'),
    commit: env.GITHUB_SHA,
    serverDist: input.string('server-dist') ? resolve(input.string('server-dist')) : bundledDist(),
    contextDir: input.string('context-dir') ? resolve(input.string('context-dir')) : join(ctx.resultsDir, '..', 'serve-image-context'),
    push: input.boolean('push', false),
    builder,
    runtime,
    buildArgs,
    smokeRequests: input.number('smoke-requests', 100),
    smokeConcurrency: input.number('smoke-concurrency', 4),
    env,
    logger,
    group: (name, body) => ctx.group(name, body),
  });
  const file = await ctx.writeResult('build-serve-image', result);
  const { latencyMs } = result.smoke.load;
  ctx.output('image', result.tags[0]);
  ctx.output('model-version', result.model.version ?? '');
  ctx.output('registry', result.model.registry?.kind ?? '');
  ctx.output('tags', result.tags.join('\n'));
  ctx.output('digest', result.push.digest ?? '');
  ctx.output('container-tested', result.container.exercised);
  ctx.output('runtime', result.runtime.path);
  ctx.output('context-dir', result.context.dir);
  ctx.output('p50-ms', String(latencyMs.p50));
  ctx.output('p95-ms', String(latencyMs.p95));
  ctx.output('p99-ms', String(latencyMs.p99));
  ctx.output('result-file', file);
  await ctx.summary(summaryOf(result));
}

/** A resolver whose errors say which input they are about (the model reference), keeping kind and hint. */
function namingInput(resolver: ModelResolver): ModelResolver {
  return async (ref) => {
    try {
      return await resolver(ref);
    } catch (error) {
      if (error instanceof MlciError)
        throw new MlciError(error.kind, `input "model": ${error.message}`, { hint: error.hint, cause: error });
      throw error;
    }
  };
}

const registryOf = (r: BuildServeImageResult) =>
  r.model.registry
    ? `, from the ${r.model.registry.kind === 'github' ? 'GitHub' : 'local'} registry ${codeSpan(r.model.registry.location)}`
    : '';

export function summaryOf(r: BuildServeImageResult): string {
  const { load } = r.smoke;
  const lines = [
    `### Serving image: ${codeSpan(r.tags[0])}`,
    '',
    r.container.exercised
      ? `Built and run with ${escapeMarkdown(r.container.builder)}; stopped by SIGTERM in ${r.container.stopSeconds} s (exit ${r.container.stopExitCode}).`
      : `**Container step not exercised**: ${escapeMarkdown(r.container.reason)}`,
    '',
    markdownTable(
      ['smoke test', 'requests', 'ok', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s'],
      [
        [
          escapeMarkdown(r.smoke.target),
          String(load.requests),
          String(load.ok),
          String(load.latencyMs.p50),
          String(load.latencyMs.p95),
          String(load.latencyMs.p99),
          String(load.throughput),
        ],
      ],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    r.runtime.path === 'onnx'
      ? `Serves through ONNX (node + onnxruntime-node, no Python)${r.runtime.onnx?.converted ? `: converted at build time, parity on ${r.runtime.onnx.parity.rows} rows (${escapeMarkdown(r.runtime.onnx.parity.candidate)})` : ''}.`
      : `Serves through the Python worker${r.runtime.onnx && !r.runtime.onnx.converted ? `: ${escapeMarkdown(r.runtime.onnx.reason)}` : ''}.`,
    `Model ${codeSpan(r.model.ref)} (${escapeMarkdown(r.model.loader)}${r.model.version ? `, version ${codeSpan(r.model.version)}` : ''}${registryOf(r)}); tags: ${r.tags.map(codeSpan).join(', ')}.`,
    r.push.pushed
      ? `Pushed: digest ${codeSpan(r.push.digest ?? 'unknown')}; SBOM ${r.push.sbom ? 'yes' : 'no'}, provenance ${r.push.provenance ? 'yes' : 'no'}${r.push.reason ? ` (${escapeMarkdown(r.push.reason)})` : ''}.`
      : `Not pushed: ${escapeMarkdown(r.push.reason)}.`,
  ];
  return lines.join('\n') + '\n';
}
