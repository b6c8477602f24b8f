import { MlciError, silentLogger, worstOutcome, type Outcome } from '@mlci/core';
import { loadConfig } from '@mlci/core/config';
import { openBackends } from '@mlci/registry';
import { readEvent } from '@mlci/report';
import { preflight } from './preflight';
import { STAGES, type Stage } from './stages';
import type { PipelineContext, PipelineResult, RunPipelineOptions, StageResult } from './types';

/** The one-line verdict: what a reviewer reads first. */
export function verdictOf(stages: StageResult[]): { outcome: Outcome; verdict: string } {
  const ran = stages.filter((s) => s.outcome !== 'skipped');
  const outcome = worstOutcome(ran.map((s) => s.outcome as Outcome));
  const failed = ran.filter((s) => s.outcome === 'fail').map((s) => s.stage);
  const dataProblem = failed.some((name) => name === 'validate' || name === 'drift');
  if (outcome === 'pass') return { outcome, verdict: `ready: ${ran.map((s) => s.stage).join(', ')} passed` };
  if (outcome === 'warn')
    return {
      outcome,
      verdict: `ready with warnings: ${ran
        .filter((s) => s.outcome === 'warn')
        .map((s) => `${s.stage} (${s.summary})`)
        .join('; ')}`,
    };
  return { outcome, verdict: `${dataProblem ? 'data problems' : 'regressions'}: ${failed.map((name) => `${name} failed`).join(', ')}` };
}

/**
 * Runs the loop mlci.yml declares: validate → drift → train → gate → compare → promote → publish. A failed
 * validation stops the stages after the data checks (mlci.yml `on-fail: continue` lets them run); nothing is
 * promoted unless all passed. No stage throws: an error becomes that stage's failure, with its hint.
 */
export async function runPipeline(options: RunPipelineOptions = {}): Promise<PipelineResult> {
  const config = await loadConfig(options.config ?? 'mlci.yml');
  // Everything mlci.yml says that can be checked without data is checked before any stage runs (and before a backend opens).
  await preflight(config, options.config ?? 'mlci.yml', options.only);
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  const { store, registry, kinds } = await openBackends({
    projectDir: config.root,
    store: options.store ?? config.store,
    registry: options.registry ?? config.registry,
    token: options.token,
    env,
    logger,
  });
  const defaultBranch = config.defaultBranch ?? (await eventDefaultBranch(env)) ?? 'main';
  const ctx: PipelineContext = { config, store, registry, defaultBranch, logger, done: [], options };
  const selected = STAGES.filter((s) => (options.only ? options.only.includes(s.name) : true) && s.declared(ctx));
  for (const [index, stage] of selected.entries()) {
    options.onStage?.({ stage: stage.name, phase: 'start', index, total: selected.length });
    const started = performance.now();
    const body = stopped(ctx, stage) ?? (await runStage(stage, ctx));
    const result: StageResult = { stage: stage.name, ...body, durationMs: Math.round(performance.now() - started) };
    ctx.done.push(result);
    options.onStage?.({ stage: stage.name, phase: 'end', result, index, total: selected.length });
  }
  return { ...verdictOf(ctx.done), stages: ctx.done, runId: ctx.run?.id, root: config.root, backends: kinds };
}

/** Stages that need trustworthy data do not run after a failed validation (unless `on-fail: continue`). */
const AFTER_DATA: Stage['name'][] = ['train', 'gate', 'compare', 'promote', 'publish'];
function stopped(ctx: PipelineContext, stage: Stage): Omit<StageResult, 'stage' | 'durationMs'> | null {
  if (ctx.config.onFail === 'continue' || !AFTER_DATA.includes(stage.name)) return null;
  if (!ctx.done.some((s) => s.stage === 'validate' && s.outcome === 'fail')) return null;
  return { outcome: 'skipped', summary: 'not run: data validation failed (mlci.yml on-fail: stop)', stoppedByData: true };
}

/** A stage's body, with any error turned into its failure (message, hint and place kept for the report). */
async function runStage(stage: Stage, ctx: PipelineContext): Promise<Omit<StageResult, 'stage' | 'durationMs'>> {
  try {
    return await stage.run(ctx);
  } catch (error) {
    if (!(error instanceof MlciError)) ctx.logger.error((error as Error)?.stack ?? String(error));
    const e =
      error instanceof MlciError
        ? error
        : new MlciError('internal', `internal error in mlci: ${(error as Error)?.message ?? String(error)}`, {
            hint: 'this is a bug in mlci: please report it with the log above',
          });
    const { file, line } = e.location;
    const summary = e.oneLine().slice(0, 1000);
    return {
      outcome: 'fail',
      summary,
      result: { outcome: 'fail', summary },
      error: { kind: e.kind, message: e.message, hint: e.hint, file, line },
    };
  }
}

/** The repository's default branch from the job's event payload, when there is one. */
async function eventDefaultBranch(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const branch = (await readEvent(env.GITHUB_EVENT_PATH)).repository?.default_branch;
  return typeof branch === 'string' && branch ? branch : undefined;
}
