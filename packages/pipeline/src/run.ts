import { silentLogger, worstOutcome, type Outcome } from '@mlci/core';
import { loadConfig } from '@mlci/core/config';
import { projectStore } from '@mlci/store';
import { STAGES } from './stages';
import type { PipelineContext, PipelineResult, RunPipelineOptions, StageResult } from './types';

/** The one-line verdict: what a reviewer reads first. */
export function verdictOf(stages: StageResult[]): { outcome: Outcome; verdict: string } {
  const ran = stages.filter((s) => s.outcome !== 'skipped');
  const outcome = worstOutcome(ran.map((s) => s.outcome as Outcome));
  const failed = ran.filter((s) => s.outcome === 'fail').map((s) => s.stage);
  const dataProblem = failed.some((name) => name === 'validate' || name === 'drift');
  if (outcome === 'pass') return { outcome, verdict: `ready: ${ran.map((s) => s.stage).join(', ')} passed` };
  if (outcome === 'warn') return { outcome, verdict: `ready with warnings: ${ran.filter((s) => s.outcome === 'warn').map((s) => `${s.stage} (${s.summary})`).join('; ')}` };
  return { outcome, verdict: `${dataProblem ? 'data problems' : 'regressions'}: ${failed.map((name) => `${name} failed`).join(', ')}` };
}

/**
 * Runs the loop mlci.yml declares: validate → drift → train → gate → compare → promote. A failing data stage
 * does not stop training (the report shows everything at once), but nothing is promoted unless all passed.
 */
export async function runPipeline(options: RunPipelineOptions = {}): Promise<PipelineResult> {
  const config = await loadConfig(options.config ?? 'mlci.yml');
  const ctx: PipelineContext = { config, store: projectStore(config.root), logger: options.logger ?? silentLogger, done: [], options };
  const selected = STAGES.filter((s) => (options.only ? options.only.includes(s.name) : true) && s.declared(ctx));
  for (const [index, stage] of selected.entries()) {
    options.onStage?.({ stage: stage.name, phase: 'start', index, total: selected.length });
    const started = performance.now();
    const body = await stage.run(ctx);
    const result: StageResult = { stage: stage.name, ...body, durationMs: Math.round(performance.now() - started) };
    ctx.done.push(result);
    options.onStage?.({ stage: stage.name, phase: 'end', result, index, total: selected.length });
  }
  return { ...verdictOf(ctx.done), stages: ctx.done, runId: ctx.run?.id };
}
