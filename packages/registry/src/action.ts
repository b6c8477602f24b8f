import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { usageError } from '@mlci/core';
import { escapeMarkdown } from './card';
import { readGateFiles } from './gates';
import { parseBump } from './names';
import { openBackends } from './open';
import { promoteFromWorkflow } from './workflow';

/** The promote-model action's body (entry: actions/promote-model/src/index.ts). */
export async function runPromoteModel(env: Record<string, string | undefined> = process.env): Promise<void> {
  const backend = core.getInput('backend') || 'auto';
  if (backend !== 'github' && backend !== 'local' && backend !== 'auto') throw usageError(`input "backend" must be auto, github or local, got "${backend}"`);
  const logger = { info: core.info, warn: core.warning, error: core.error, debug: core.debug };
  // The client's retries and rate-limit waits show in the job log as warnings.
  // The run to promote may come from another workflow run's artifact: the store follows the registry.
  const { registry, store } = await openBackends({ store: backend, registry: backend, projectDir: core.getInput('project') || '.', token: core.getInput('github-token') || env.GITHUB_TOKEN, env, logger, client: { logger } });
  const payload = env.GITHUB_EVENT_PATH ? JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) : {};
  const gateFiles = core.getMultilineInput('gate-files').filter(Boolean);
  const result = await promoteFromWorkflow({
    registry,
    store,
    eventName: env.GITHUB_EVENT_NAME ?? '',
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    payload,
    name: core.getInput('name') || undefined,
    run: core.getInput('run') || undefined,
    resultFile: core.getInput('result-file') || undefined,
    alias: core.getInput('alias') || 'champion',
    version: core.getInput('version') || undefined,
    bump: parseBump(core.getInput('bump') || 'minor'),
    requireGates: booleanInput('require-gates'),
    gates: await readGateFiles(gateFiles),
    logger,
  });
  core.setOutput('version', result.version);
  core.setOutput('tag', result.tag);
  core.setOutput('release-url', result.url);
  core.setOutput('previous-holder', result.previous ?? '');
  core.setOutput('run-id', result.runId);
  // Names, aliases and versions were validated to [A-Za-z0-9_.-], so inside code spans they need no escaping.
  const moved = result.alias ? `\`${result.name}@${result.alias}\` → \`v${result.version}\`${result.previous ? ` (was \`v${result.previous}\`)` : ''}` : 'no alias moved';
  await core.summary
    .addHeading('Model promoted', 3)
    .addRaw(`Registered \`${result.tag}\` from run \`${result.runId}\`${result.reused ? ' (already registered)' : ''}; ${moved}.\n\n`)
    .addRaw(`Release: ${escapeMarkdown(result.url)}\n\nRollback: \`mlci models rollback ${result.name} --alias ${result.alias ?? 'champion'} --github\`\n`)
    .write();
}

/** A boolean input, empty meaning false; anything but true/false names the input (getBooleanInput throws a TypeError). */
function booleanInput(name: string): boolean {
  const raw = core.getInput(name).trim().toLowerCase();
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw usageError(`input "${name}" must be true or false, got "${core.getInput(name)}"`);
}
