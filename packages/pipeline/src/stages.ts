import { relative } from 'node:path';
import { worstOutcome, type Outcome } from '@mlci/core';
import { validateTable, validationHeadline, type ValidationResult } from '@mlci/data';
import { checkDrift, driftHeadline, parseDriftConfig, type DriftResult } from '@mlci/stats';
import { gateRun, parseRunSelector, train } from '@mlci/tracking';
import { getChampion, openMlflowRegistry, promote, type PromoteResult } from '@mlci/registry';
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
    const results: Array<ValidationResult & { dataset: string; path: string }> = [];
    for (const [name, d] of Object.entries(ctx.config.datasets)) {
      if (!d.schema) continue;
      const result = await validateTable(d.path, d.schema, { delimiter: d.delimiter });
      results.push({ ...result, file: relative(ctx.config.root, d.path), path: d.path, dataset: name });
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
    return {
      outcome: worstOutcome(results.map((r) => r.outcome)),
      summary: results.map((r) => `${r.dataset}: ${driftHeadline(r)}`).join('; '),
      result: results,
    };
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
      selectRun: parseRunSelector(t['select-run'], 'mlci.yml train.select-run'),
      data: Object.values(ctx.config.datasets).map((d) => relative(ctx.config.root, d.path)),
      paramsFiles: t.params ? [relative(ctx.config.root, t.params)] : undefined,
      metricsFiles: t.metrics ? [relative(ctx.config.root, t.metrics)] : undefined,
      stdout: ctx.options.trainStdoutToStderr ? 'stderr' : 'inherit',
      // The script's MLflow registry calls reach the registry mlci.yml names (published if the run FINISHED).
      modelRegistry: openMlflowRegistry({ registry: ctx.registry, store: ctx.store, logger: ctx.logger }),
      logger: ctx.logger,
    });
    ctx.run = record;
    const outcome: Outcome = record.status === 'FINISHED' ? 'pass' : 'fail';
    const metrics = Object.entries(record.metrics)
      .filter(([k]) => !k.startsWith('system/'))
      .slice(0, 4)
      .map(([k, points]) => `${k}=${Number(points[points.length - 1]?.value.toPrecision(4))}`)
      .join(', ');
    return {
      outcome,
      summary: `run ${record.id.slice(0, 8)} ${record.status}${record.exitCode ? ` (exit ${record.exitCode})` : ''}${metrics ? `: ${metrics}` : ''}`,
      result: record,
    };
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
      summary: failed.length
        ? `${failed.length} of ${result.assertions.length} assertions failed: ${failed.map((a) => a.expression + (a.notes?.length ? ` (${a.notes.join('; ')})` : '')).join('; ')}`
        : `${result.assertions.length} assertions passed`,
      result,
    };
  },
};

/** What the compare stage compares with: main's newest run always, the champion when a model is declared. */
export type ComparedAgainst = 'main' | 'champion';
export type PipelineComparison = ComparisonResult & { against: ComparedAgainst };

const compareStage: Stage = {
  name: 'compare',
  declared: (ctx) => Boolean(ctx.config.train) && (Object.keys(ctx.config.metrics).length > 0 || Boolean(ctx.config.model)),
  async run(ctx) {
    if (!ctx.run) return { outcome: 'skipped', summary: 'no run to compare (the train stage did not run)' };
    const metrics: Record<string, MetricSpec> = {};
    for (const [key, m] of Object.entries(ctx.config.metrics)) {
      metrics[key] = {
        direction: m.direction,
        threshold: m.threshold,
        min_absolute_change: m.min_absolute_change,
        min_relative_change: m.min_relative_change,
        gated: m.gate,
      };
    }
    const model = ctx.config.model?.name;
    const alias = ctx.config.model?.alias ?? 'champion';
    // Both baselines, each in its own section: main says what this change did, the champion what serving it would.
    const against: ComparedAgainst[] = model ? ['main', 'champion'] : ['main'];
    const results: PipelineComparison[] = [];
    for (const baseline of against) {
      const result = await compareJob({
        store: ctx.store,
        candidates: [ctx.run.id],
        baseline,
        model,
        champion: (name) => getChampion(ctx.registry, name, { alias }),
        metrics,
        defaultBranch: ctx.defaultBranch,
      });
      results.push({ ...result, against: baseline });
    }
    // A gated regression against either baseline fails the check.
    const outcome = worstOutcome(results.map((r) => r.outcome));
    await ctx.store.annotateRun?.(ctx.run.id, { 'mlci.gate.compare-to-champion': outcome });
    const summary = results.map((r) => `${r.against}: ${comparisonLine(r)}`).join('; ');
    return { outcome, summary, result: results };
  },
};

function comparisonLine(result: ComparisonResult): string {
  if (!result.baseline) return 'no baseline yet';
  const changed = result.metrics.filter((m) => m.verdict === 'improved' || m.verdict === 'regressed').map((m) => `${m.key} ${m.verdict}`);
  const verdict = result.regressions.length
    ? `regressed ${result.regressions.join(', ')}`
    : changed.length
      ? changed.join(', ')
      : 'no significant change';
  return `vs ${result.baseline.label ?? result.baseline.id}: ${verdict}${result.withinNoise.length ? `; within noise: ${result.withinNoise.join(', ')}` : ''}`;
}

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
    const comparisons = (ctx.done.find((s) => s.stage === 'compare')?.result ?? []) as PipelineComparison[];
    const comparison = comparisons.find((c) => c.against === 'champion');
    if (
      (model.promote ?? 'improved') === 'improved' &&
      comparison?.baseline?.source === 'champion' &&
      !comparison.metrics.some((m) => m.verdict === 'improved')
    ) {
      return {
        outcome: 'skipped',
        summary: `not promoted: no metric improved on ${comparison.baseline.label} (model.promote: always to promote anyway)`,
      };
    }
    const registry = ctx.registry;
    const gates = ctx.done
      .filter((s) => s.stage === 'gate' && s.outcome !== 'skipped')
      .map((s) => ({ name: 'overfit-gate', outcome: s.outcome as Outcome, source: 'mlci run' }));
    const result: PromoteResult = await promote({
      registry,
      store: ctx.store,
      name: model.name,
      run: ctx.run.id,
      alias: model.alias ?? 'champion',
      gates,
      modelPath: `${model.artifact ?? 'model'}/`,
      logger: ctx.logger,
    });
    const moved = result.alias ? ` → ${result.alias}${result.previous ? ` (was v${result.previous})` : ''}` : '';
    return { outcome: 'pass', summary: `${model.name} v${result.version}${result.reused ? ' (already registered)' : ''}${moved}`, result };
  },
};

const publishStage: Stage = {
  name: 'publish',
  // A local store is the only copy: nothing to publish to, and no stage to show.
  declared: (ctx) => Boolean(ctx.config.train) && ctx.store.backend !== 'local',
  async run(ctx) {
    if (!ctx.run) return { outcome: 'skipped', summary: 'no run to publish' };
    const published = await ctx.store.publishRun(ctx.run);
    if (!published.artifact)
      return { outcome: 'skipped', summary: 'no artifact service in this job: the run stays in the workspace store' };
    return {
      outcome: 'pass',
      summary: `run ${ctx.run.id.slice(0, 8)} uploaded as ${published.artifact}${published.datasetsUploaded ? `, ${published.datasetsUploaded} dataset(s)` : ''}`,
      result: published,
    };
  },
};

/** Every stage in pipeline order. Stages not yet declared by mlci.yml are skipped, not failed. */
export const STAGES: Stage[] = [validateStage, driftStage, trainStage, gateStage, compareStage, promoteStage, publishStage];
