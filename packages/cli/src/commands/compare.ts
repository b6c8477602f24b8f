import { readFile, stat } from 'node:fs/promises';
import { fileError, inputError, parseFlags, usageError, writeOutputFile } from '@mlci/core';
import { decodeRunRecord } from '@mlci/store';
import { getChampion, openBackends } from '@mlci/registry';
import { findProjectDir } from '@mlci/tracking';
import {
  compareJob,
  compareSection,
  formatComparison,
  parseMetricFlag,
  parsePredictions,
  parseThresholds,
  renderReport,
  toStored,
  type MetricSpec,
  type RunLike,
} from '@mlci/report';
import { printJson, type Command } from '../command';

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((error) => {
    throw fileError(file, error);
  });
}

async function readRunFile(file: string): Promise<RunLike> {
  let run: unknown;
  try {
    run = JSON.parse(await readText(file));
  } catch (error) {
    if ((error as { kind?: string }).kind) throw error;
    throw inputError('not a run record (invalid JSON)', { file });
  }
  const r = run as RunLike;
  if (!r || typeof r.id !== 'string' || !r.metrics || typeof r.metrics !== 'object')
    throw inputError('not a run record: expected `id` and `metrics`', { file, hint: 'write one with `mlci show RUN --json`' });
  for (const [key, points] of Object.entries(r.metrics)) {
    if (!Array.isArray(points) || points.some((p) => !p || typeof p !== 'object'))
      throw inputError(`not a run record: metric "${key.slice(0, 80)}" is not a list of points`, {
        file,
        hint: 'write one with `mlci show RUN --json`',
      });
  }
  // "NaN"/"Infinity" (how run records write a diverged metric) become numbers again.
  const decoded = decodeRunRecord(r as RunLike & { children?: [] });
  return { ...decoded, name: typeof r.name === 'string' ? r.name : r.id };
}

export const command: Command = {
  summary: 'compare a run with a baseline: metric deltas, noise, verdicts (exit 1 on a gated regression)',
  usage: `
usage: mlci compare RUN [RUN...] [--baseline RUN|main|champion] [--metric KEY:higher|lower[:THRESHOLD]]...
                    [--thresholds FILE] [--markdown FILE] [--json]

RUN is a run id, a unique prefix or name, or \`latest\`. Several RUNs are a sweep: they are ranked by
--primary (default: the first declared metric) and the best is compared.
  --baseline REF         a run, \`main\` (newest finished run on the default branch) or \`champion\`
                         (the registry champion of --model); none: metrics are shown alone
  --model NAME           model name for --baseline champion
  --registry auto|local|github  where the champion and main's runs are looked up (github: GITHUB_REPOSITORY,
                         GITHUB_TOKEN, GITHUB_API_URL); default auto: github inside a GitHub Actions job
  --metric SPEC          declare (and gate) a metric: KEY:higher|lower[:THRESHOLD]; repeatable
  --thresholds FILE      YAML of MLflow-style thresholds per metric:
                           accuracy: {threshold: 0.9, min_absolute_change: 0.01}
                           val_loss: lower
  --primary KEY          metric a sweep is ranked by
  --candidate-file FILE  read the candidate run record from a JSON file instead of the store
  --baseline-file FILE   read the baseline run record from a JSON file
  --predictions FILE     candidate's per-example predictions (CSV or JSONL: id,y_true,y_pred); default:
  --baseline-predictions FILE  the runs' predictions.csv / predictions.jsonl artifacts
  --markdown FILE        write the PR comment body (Markdown) to FILE
  --json                 print the comparison as JSON on stdout (metrics: key, baseline, candidate,
                         delta, relativeDelta, verdict, ...)
Exit 0 when no declared (gated) metric regressed, 1 when one did or went missing, 2 on bad input.
`,
  async run(args) {
    const { values, positionals } = parseFlags('compare', args, {
      baseline: { type: 'string' },
      registry: { type: 'string' },
      model: { type: 'string' },
      metric: { type: 'string', multiple: true },
      thresholds: { type: 'string' },
      primary: { type: 'string' },
      'candidate-file': { type: 'string' },
      'baseline-file': { type: 'string' },
      predictions: { type: 'string' },
      'baseline-predictions': { type: 'string' },
      markdown: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values['candidate-file'] && positionals.length) throw usageError('give either RUN or --candidate-file, not both');
    if (!values['candidate-file'] && !positionals.length)
      throw usageError('name the run to compare', 'e.g. `mlci compare latest --baseline main`');
    if (values.baseline && values['baseline-file']) throw usageError('give either --baseline or --baseline-file, not both');

    // Refused before any work: learning it after the comparison ran (and a store was opened) wastes the run.
    if (values.markdown && (await stat(values.markdown).catch(() => null))?.isDirectory())
      throw fileError(values.markdown, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }), 'write');

    const metrics: Record<string, MetricSpec> = values.thresholds
      ? parseThresholds(await readText(values.thresholds), values.thresholds)
      : {};
    for (const raw of values.metric ?? []) {
      const [key, spec] = parseMetricFlag(raw);
      metrics[key] = { ...metrics[key], ...spec };
    }
    const registryBackend = values.registry ?? 'auto';
    if (registryBackend !== 'local' && registryBackend !== 'github' && registryBackend !== 'auto')
      throw usageError(`--registry must be auto, github or local, got "${registryBackend}"`);
    const needsStore = positionals.length > 0 || (values.baseline !== undefined && !values['baseline-file']);
    // github: GITHUB_REPOSITORY / GITHUB_TOKEN / GITHUB_API_URL; main's runs then come from workflow artifacts too.
    const { store, registry } = await openBackends({
      projectDir: needsStore ? await findProjectDir() : process.cwd(),
      store: registryBackend,
      registry: registryBackend,
    });
    const candidates = values['candidate-file'] ? [await readRunFile(values['candidate-file'])] : positionals;
    const baseline = values['baseline-file'] ? await readRunFile(values['baseline-file']) : (values.baseline ?? null);
    const predictions = {
      ...(values.predictions ? { candidate: parsePredictions(await readText(values.predictions), values.predictions) } : {}),
      ...(values['baseline-predictions']
        ? { baseline: parsePredictions(await readText(values['baseline-predictions']), values['baseline-predictions']) }
        : {}),
    };
    const champion = (model: string) => getChampion(registry, model);
    const result = await compareJob({
      store,
      candidates,
      baseline,
      model: values.model,
      champion,
      metrics,
      primary: values.primary,
      predictions,
      strictBaseline: true,
    });

    if (values.markdown) await writeOutputFile(values.markdown, renderReport([toStored(compareSection(result))]).body);
    if (values.json) printJson(result);
    else process.stdout.write(formatComparison(result) + '\n');
    return result.outcome === 'fail' ? 1 : 0;
  },
};
