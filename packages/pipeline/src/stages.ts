import { relative } from 'node:path';
import { worstOutcome, type Outcome } from '@mlci/core';
import { validateTable, validationHeadline, type ValidationResult } from '@mlci/data';
import { checkDrift, driftHeadline, parseDriftConfig, type DriftResult } from '@mlci/stats';
import { gateRun, train } from '@mlci/tracking';
import { getChampion, openRegistry, promote, type PromoteResult } from '@mlci/registry';
import { compareJob, type ComparisonResult, type MetricSpec } from '@mlci/report';
import type { PipelineContext, StageName, StageResult } from './types';

type StageBody = (ctx: PipelineContext) => Promise<Omit<StageResult, 'stage' | 'durationMs'>>;

export interface Stage {
  name: StageName;
  /** Whether mlci.yml declares anything for this stage. */
  declared(ctx: PipelineContext): boolean;
  run: StageBody;
}

const validateStage: Stage = {
  name: 'validate',
  declared: (ctx) => Object.values(ctx.config.datasets).some((d) => d.schema),
  async run(ctx) {
    const results: Array<ValidationResult & { dataset: string }> = [];
    for (const [name, d] of Object.entries(ctx.config.datasets)) {
      if (!d.schema) continue;
      const result = await validateTable(d.path, d.schema, { delimiter: d.delimiter });
      results.push({ ...result, file: relative(ctx.config.root, d.path), dataset: name });
    }
    const outcome = worstOutcome(results.map((r) => r.outcome));
    const summary = results.map((r) => validationHeadline(r)).join('; ');
    return { outcome, summary, result: results };
  },
};

const driftStage: Stage = {
  name: 'drift',
  declared: (ctx) => Object.values(ctx.config.datasets).some((d) => d.reference),
  async run(ctx) {
    const results: Array<DriftResult & { dataset: string }> = [];
    for (const [name, d] of Object.entries(ctx.config.datasets)) {
      if (!d.reference) continue;
      const options = parseDriftConfig(d.drift ?? {}, ctx.config.file);
      if (d.target) options.target = { ...options.target, column: d.target };
      options.read = { delimiter: d.delimiter };
      results.push({ ...(await checkDrift({ data: d.path, reference: d.reference, options })), dataset: name });
    }
    return { outcome: worstOutcome(results.map((r) => r.outcome)), summary: results.map((r) => `${r.dataset}: ${driftHeadline(r)}`).join('; '), result: results };
  },
};

const trainStage: Stage = {
  name: 'train',
  declared: (ctx) => Boolean(ctx.config.train),
  async run(ctx) {
    const t = ctx.config.train!;
    const { record } = await train({
      command: t.command,
      projectDir: ctx.config.root,
      store: ctx.store,
      name: t.name,
      data: Object.values(ctx.config.datasets).map((d) => relative(ctx.config.root, d.path)),
      paramsFiles: t.params ? [relative(ctx.config.root, t.params)] : undefined,
      metricsFiles: t.metrics ? [relative(ctx.config.root, t.metrics)] : undefined,
      stdout: ctx.options.trainStdoutToStderr ? 'stderr' : 'inherit',
      logger: ctx.logger,
    });
    ctx.run = record;
    const outcome: Outcome = record.status === 'FINISHED' ? 'pass' : 'fail';
    const metrics = Object.entries(record.metrics)
      .filter(([k]) => !k.startsWith('system/'))
      .slice(0, 4)
      .map(([k, points]) => `${k}=${Number(points[points.length - 1]?.value.toPrecision(4))}`)
      .join(', ');
    return { outcome, summary: `run ${record.id.slice(0, 8)} ${record.status}${record.exitCode ? ` (exit ${record.exitCode})` : ''}${metrics ? `: ${metrics}` : ''}`, result: record };
  },
};

const gateStage: Stage = {
  name: 'gate',
  declared: (ctx) => ctx.config.gates.length > 0,
  async run(ctx) {
    if (!ctx.run) return { outcome: 'skipped', summary: 'no run to check (the train stage did not run)' };
    const result = gateRun(ctx.run, ctx.config.gates);
    await ctx.store.annotateRun?.(ctx.run.id, { 'mlci.gate.overfit-gate': result.outcome });
    const failed = result.assertions.filter((a) => !a.passed);
    return {
      outcome: result.outcome,
      summary: failed.length ? `${failed.length} of ${result.assertions.length} assertions failed: ${failed.map((a) => a.expression).join('; ')}` : `${result.assertions.length} assertions passed`,
      result,
    };
  },
};

const compareStage: Stage = {
  name: 'compare',
  declared: (ctx) => Boolean(ctx.config.train) && (Object.keys(ctx.config.metrics).length > 0 || Boolean(ctx.config.model)),
  async run(ctx) {
    if (!ctx.run) return { outcome: 'skipped', summary: 'no run to compare (the train stage did not run)' };
    const metrics: Record<string, MetricSpec> = {};
    for (const [key, m] of Object.entries(ctx.config.metrics)) {
      metrics[key] = { direction: m.direction, threshold: m.threshold, min_absolute_change: m.min_absolute_change, min_relative_change: m.min_relative_change, gated: m.gate };
    }
    const model = ctx.config.model?.name;
    const { registry } = await openRegistry({ backend: 'local', projectDir: ctx.config.root });
    // Against the champion when a model is registered; otherwise against the newest run of the default branch.
    const result = await compareJob({
      store: ctx.store,
      candidates: [ctx.run.id],
      baseline: model ? 'champion' : 'main',
      model,
      champion: (name) => getChampion(registry, name, { alias: ctx.config.model?.alias ?? 'champion' }),
      metrics,
    });
    await ctx.store.annotateRun?.(ctx.run.id, { 'mlci.gate.compare-to-champion': result.outcome });
    const base = result.baseline ? `vs ${result.baseline.label ?? result.baseline.id}` : 'no baseline yet';
    const changed = result.metrics.filter((m) => m.verdict === 'improved' || m.verdict === 'regressed').map((m) => `${m.key} ${m.verdict}`);
    const summary = `${base}: ${result.regressions.length ? `regressed ${result.regressions.join(', ')}` : changed.length ? changed.join(', ') : 'no significant change'}${result.withinNoise.length ? `; within noise: ${result.withinNoise.join(', ')}` : ''}`;
    return { outcome: result.outcome, summary, result };
  },
};

const promoteStage: Stage = {
  name: 'promote',
  declared: (ctx) => Boolean(ctx.config.model),
  async run(ctx) {
    if (ctx.options.promote === false) return { outcome: 'skipped', summary: 'promotion off for this run' };
    if (!ctx.run) return { outcome: 'skipped', summary: 'no run to promote' };
    const failedBefore = ctx.done.filter((s) => s.outcome === 'fail').map((s) => s.stage);
    if (failedBefore.length) return { outcome: 'skipped', summary: `not promoted: ${failedBefore.join(', ')} failed` };
    const model = ctx.config.model!;
    // No churn: a new version only when it beats the champion on something (or there is none yet).
    const comparison = ctx.done.find((s) => s.stage === 'compare')?.result as ComparisonResult | undefined;
    if ((model.promote ?? 'improved') === 'improved' && comparison?.baseline?.source === 'champion' && !comparison.metrics.some((m) => m.verdict === 'improved')) {
      return { outcome: 'skipped', summary: `not promoted: no metric improved on ${comparison.baseline.label} (model.promote: always to promote anyway)` };
    }
    const { registry } = await openRegistry({ backend: 'local', projectDir: ctx.config.root });
    const gates = ctx.done.filter((s) => s.stage === 'gate' && s.outcome !== 'skipped').map((s) => ({ name: 'overfit-gate', outcome: s.outcome as Outcome, source: 'mlci run' }));
    const result: PromoteResult = await promote({ registry, store: ctx.store, name: model.name, run: ctx.run.id, alias: model.alias ?? 'champion', gates, modelPath: `${model.artifact ?? 'model'}/`, logger: ctx.logger });
    const moved = result.alias ? ` → ${result.alias}${result.previous ? ` (was v${result.previous})` : ''}` : '';
    return { outcome: 'pass', summary: `${model.name} v${result.version}${result.reused ? ' (already registered)' : ''}${moved}`, result };
  },
};

/** Every stage in pipeline order. Stages not yet declared by mlci.yml are skipped, not failed. */
export const STAGES: Stage[] = [validateStage, driftStage, trainStage, gateStage, compareStage, promoteStage];
