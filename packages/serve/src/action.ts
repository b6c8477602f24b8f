import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import { booleanInput, numberInput, requiredInput, resultsDir, writeStepResult } from '@mlci/core/action';
import { codeSpan, escapeMarkdown, markdownTable, MlciError, usageError } from '@mlci/core';
import { buildServeImage, type BuildServeImageResult } from './image/build';
import type { ModelResolver } from './resolve';
import { projectResolvers } from './resolvers';

/** The bundled mlci beside this code: dist/ (this module runs from dist/chunks/ or dist/actions/). */
function bundledDist(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 3; i++, dir = dirname(dir)) if (existsSync(join(dir, 'cli.js'))) return dir;
  throw usageError('cannot find the bundled mlci (cli.js) beside the action', 'set the server-dist input to the directory holding cli.js');
}

/** The build-serve-image action's body (entry: actions/build-serve-image/src/index.ts). */
export async function runBuildServeImage(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const builder = core.getInput('builder') || 'auto';
  if (!['auto', 'docker', 'podman', 'none'].includes(builder)) throw usageError(`input "builder" must be auto, docker, podman or none, got "${builder}"`);
  const project = core.getInput('project') || '.';
  const logger = { info: core.info, warn: core.warning, error: core.error, debug: core.debug };
  const registry = core.getInput('registry') || 'auto';
  if (registry !== 'auto' && registry !== 'github' && registry !== 'local')
    throw usageError(`input "registry" must be auto, github or local, got "${registry}"`, 'auto: the GitHub registry (releases and alias tags) inside a job with a token, else .mlci/registry');
  const buildArgs: Record<string, string> = {};
  // A runner without Docker Hub (a self-hosted one behind a mirror) names its bases once, in its environment.
  const nodeImage = core.getInput('node-image') || env.MLCI_NODE_IMAGE;
  const pythonImage = core.getInput('python-image') || env.MLCI_PYTHON_IMAGE;
  if (nodeImage) buildArgs.NODE_IMAGE = nodeImage;
  if (pythonImage) buildArgs.PYTHON_IMAGE = pythonImage;
  const result = await buildServeImage({
    model: requiredInput('model'),
    resolvers: projectResolvers(project, { registry, token: core.getInput('github-token') || env.GITHUB_TOKEN, env, logger }).map(namingInput),
    image: core.getInput('image') || undefined,
    modelVersion: core.getInput('model-version') || undefined,
    commit: env.GITHUB_SHA,
    serverDist: core.getInput('server-dist') ? resolve(core.getInput('server-dist')) : bundledDist(),
    contextDir: core.getInput('context-dir') ? resolve(core.getInput('context-dir')) : join(resultsDir(), '..', 'serve-image-context'),
    push: booleanInput('push', false),
    builder: builder as 'auto',
    buildArgs,
    smokeRequests: numberInput('smoke-requests', 100),
    smokeConcurrency: numberInput('smoke-concurrency', 4),
    env,
    logger,
    group: (name, body) => core.group(name, body),
  });
  const file = await writeStepResult('build-serve-image', result);
  const { latencyMs } = result.smoke.load;
  core.setOutput('image', result.tags[0]);
  core.setOutput('model-version', result.model.version ?? '');
  core.setOutput('registry', result.model.registry?.kind ?? '');
  core.setOutput('tags', result.tags.join('\n'));
  core.setOutput('digest', result.push.digest ?? '');
  core.setOutput('container-tested', String(result.container.exercised));
  core.setOutput('context-dir', result.context.dir);
  core.setOutput('p50-ms', String(latencyMs.p50));
  core.setOutput('p95-ms', String(latencyMs.p95));
  core.setOutput('p99-ms', String(latencyMs.p99));
  core.setOutput('result-file', file);
  await core.summary.addRaw(summaryOf(result), true).write();
}

/** A resolver whose errors say which input they are about (the model reference), keeping kind and hint. */
function namingInput(resolver: ModelResolver): ModelResolver {
  return async (ref) => {
    try {
      return await resolver(ref);
    } catch (error) {
      if (error instanceof MlciError) throw new MlciError(error.kind, `input "model": ${error.message}`, { hint: error.hint, cause: error });
      throw error;
    }
  };
}

const registryOf = (r: BuildServeImageResult) =>
  r.model.registry ? `, from the ${r.model.registry.kind === 'github' ? 'GitHub' : 'local'} registry ${codeSpan(r.model.registry.location)}` : '';

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
      [[escapeMarkdown(r.smoke.target), String(load.requests), String(load.ok), String(load.latencyMs.p50), String(load.latencyMs.p95), String(load.latencyMs.p99), String(load.throughput)]],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    `Model ${codeSpan(r.model.ref)} (${escapeMarkdown(r.model.loader)}${r.model.version ? `, version ${codeSpan(r.model.version)}` : ''}${registryOf(r)}); tags: ${r.tags.map(codeSpan).join(', ')}.`,
    r.push.pushed
      ? `Pushed: digest ${codeSpan(r.push.digest ?? 'unknown')}; SBOM ${r.push.sbom ? 'yes' : 'no'}, provenance ${r.push.provenance ? 'yes' : 'no'}${r.push.reason ? ` (${escapeMarkdown(r.push.reason)})` : ''}.`
      : `Not pushed: ${escapeMarkdown(r.push.reason)}.`,
  ];
  return lines.join('\n') + '\n';
}
