import { readFile } from 'node:fs/promises';
import { fileError, inputError, usageError, type Logger } from '@mlci/core';
import type { Store } from '@mlci/store';
import { assertModelName, parseVersionTag, type Bump } from './names';
import { assignAlias, promote, runForCommit, type PromoteResult } from './promote';
import type { GateResult, RegistryBackend } from './types';

/** What a workflow gives the promote-model action. */
export interface WorkflowPromotion {
  registry: RegistryBackend;
  store: Store;
  /** GITHUB_EVENT_NAME: push, release, workflow_dispatch, … */
  eventName: string;
  /** GITHUB_REF, e.g. refs/tags/iris@v1.2.0. */
  ref: string;
  /** GITHUB_SHA: the commit the event is about. */
  sha: string;
  /** The webhook payload (GITHUB_EVENT_PATH's JSON). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- GitHub's webhook payloads, read by the fields each trigger documents
  payload: any;
  /** Input `name`; with a version-tag trigger it may be omitted (the tag names the model) but must agree. */
  name?: string;
  /** Input `run`: run id, prefix or name. */
  run?: string;
  /** Input `result-file`: a train-and-log result JSON naming the run (`runId`, or `run.id`). */
  resultFile?: string;
  /** Input `alias`. @default 'champion' */
  alias?: string;
  version?: string;
  bump?: Bump;
  requireGates?: boolean;
  gates?: GateResult[];
  logger?: Logger;
}

/**
 * The webhook payload of the event that started the job (GITHUB_EVENT_PATH): an object, or {} when there is no
 * file. A payload that is not a JSON object is refused naming the file, so a promotion never acts on garbage.
 */
export async function readWorkflowEvent(path: string | undefined): Promise<Record<string, unknown>> {
  if (!path) return {};
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fileError(path, error);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw inputError(`event payload is not JSON: ${(error as Error).message}`, {
      file: path,
      hint: 'GITHUB_EVENT_PATH must name the webhook payload GitHub writes for the job; outside a job, unset it',
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw inputError(
      `event payload is not a JSON object (got ${Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`})`,
      { file: path, hint: 'GITHUB_EVENT_PATH must name the webhook payload GitHub writes for the job; outside a job, unset it' },
    );
  }
  return value as Record<string, unknown>;
}

/** The run a train-and-log result file names. */
export async function runIdFromResult(path: string): Promise<string> {
  let json: { runId?: unknown; run?: { id?: unknown }; run_id?: unknown; id?: unknown } | null;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) throw inputError(`result file is not JSON: ${error.message}`, { file: path });
    throw fileError(path, error);
  }
  const id = json?.runId ?? json?.run?.id ?? json?.run_id ?? json?.id;
  if (typeof id !== 'string' || !id)
    throw inputError('result file names no run (expected "runId" or "run.id")', {
      file: path,
      hint: 'pass the result JSON that train-and-log wrote, or the run id as input `run`',
    });
  return id;
}

/**
 * Decides what to promote from the trigger and inputs, then does it:
 * - push of a version tag `name@vX.Y.Z`: the newest FINISHED run at that commit, registered under that tag;
 * - release published for a version tag: if mlci registered that version, the alias moves to it; otherwise
 *   the release was made by hand and is refused with a hint (its assets are not mlci's);
 * - workflow_dispatch or anything else: input `run`, else `result-file`, else the newest FINISHED run at GITHUB_SHA.
 */
export async function promoteFromWorkflow(options: WorkflowPromotion): Promise<PromoteResult> {
  const common = {
    registry: options.registry,
    store: options.store,
    alias: options.alias,
    requireGates: options.requireGates,
    gates: options.gates,
    logger: options.logger,
  };
  const tagRef = options.ref.startsWith('refs/tags/') ? parseVersionTag(options.ref.slice('refs/tags/'.length)) : null;
  const tagName = options.payload?.release?.tag_name;
  const releaseTag = options.eventName === 'release' ? parseVersionTag(typeof tagName === 'string' ? tagName : '') : null;
  const fromTag = releaseTag ?? (options.eventName === 'push' ? tagRef : null);
  if (fromTag && options.name && options.name !== fromTag.name) {
    throw usageError(
      `the tag names model "${fromTag.name}" but input name is "${options.name}"`,
      "drop input `name` for tag triggers, or filter the trigger to this model's tags",
    );
  }
  if (options.eventName === 'release') {
    if (!releaseTag)
      throw usageError(
        `release tag "${options.payload?.release?.tag_name}" is not a version tag NAME@vX.Y.Z`,
        'trigger on releases whose tag follows NAME@vMAJOR.MINOR.PATCH',
      );
    const registered = (await options.registry.listVersions(releaseTag.name)).some((v) => v.version === releaseTag.version);
    if (!registered) {
      throw inputError(`release ${releaseTag.name}@v${releaseTag.version} was not registered by mlci (no card.json)`, {
        hint: 'register versions with promote-model (push a NAME@vX.Y.Z tag, or workflow_dispatch); a release published by hand cannot take assets once immutable',
      });
    }
    return assignAlias({ registry: options.registry, name: releaseTag.name, version: releaseTag.version, alias: options.alias });
  }
  if (fromTag) {
    const run = options.run ?? (await runForCommit(options.store, options.sha)).id;
    return promote({ ...common, name: fromTag.name, run, version: fromTag.version, adoptTag: true });
  }
  if (!options.name)
    throw usageError('input "name" is required unless a NAME@vX.Y.Z tag triggered the workflow', 'add `name:` under `with:`');
  assertModelName(options.name);
  const run =
    options.run ?? (options.resultFile ? await runIdFromResult(options.resultFile) : (await runForCommit(options.store, options.sha)).id);
  return promote({ ...common, name: options.name, run, version: options.version, bump: options.bump });
}
