import { escapeMarkdown } from '@mlci/core';
import { parseBump, promoteFromWorkflow, readGateFiles, readWorkflowEvent } from '@mlci/registry';
import type { ActionContext } from './context';

/** promote-model: register the run as a version (a release, or .mlci/registry) and move the alias. */
export async function promoteAction(ctx: ActionContext): Promise<void> {
  const { input, env } = ctx;
  // Read first: a garbage payload is refused naming the file before any backend is opened.
  const payload = await readWorkflowEvent(env.GITHUB_EVENT_PATH);
  // The run to promote may come from another workflow run's artifact: the store follows the registry.
  const { registry, store } = await ctx.backends(
    input.choice('backend', ['auto', 'github', 'local'], 'auto'),
    input.string('project') || '.',
  );
  const result = await promoteFromWorkflow({
    registry,
    store,
    eventName: env.GITHUB_EVENT_NAME ?? '',
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    payload,
    name: input.optional('name'),
    run: input.optional('run'),
    resultFile: input.optional('result-file'),
    alias: input.string('alias') || 'champion',
    version: input.optional('version'),
    bump: parseBump(input.string('bump') || 'minor'),
    requireGates: input.boolean('require-gates', false),
    gates: await readGateFiles(input.list('gate-files')),
    logger: ctx.logger,
  });
  ctx.output('version', result.version);
  ctx.output('tag', result.tag);
  ctx.output('release-url', result.url);
  ctx.output('previous-holder', result.previous ?? '');
  ctx.output('run-id', result.runId);
  // Names, aliases and versions were validated to [A-Za-z0-9_.-], so inside code spans they need no escaping.
  const moved = result.alias
    ? `\`${result.name}@${result.alias}\` → \`v${result.version}\`${result.previous ? ` (was \`v${result.previous}\`)` : ''}`
    : 'no alias moved';
  await ctx.summary(
    `### Model promoted\n\nRegistered \`${result.tag}\` from run \`${result.runId}\`${result.reused ? ' (already registered)' : ''}; ${moved}.\n\n` +
      `Release: ${escapeMarkdown(result.url)}\n\nRollback: \`mlci models rollback ${result.name} --alias ${result.alias ?? 'champion'} --github\`\n`,
  );
}
