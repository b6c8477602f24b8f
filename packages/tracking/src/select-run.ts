/**
 * Which of the runs a script opened is "the" run of an `mlci train`: the one gates, comparisons, the report
 * and promotion read. By default the first top-level run (the record itself). A selector names another by
 * its run name or by a tag; when it matches a child run, that run and the first one trade places in the
 * record (ids included), so every reader of runs sees the selected run without knowing about selection.
 * What belongs to the command rather than to one MLflow run stays with the record: its status, times,
 * command, lineage and `system/` metrics.
 */
import { MlciError, inputError, usageError } from '@mlci/core';
import type { ChildRun, RunRecord } from '@mlci/store';

/** `name: X` (the MLflow run name) or `tag: KEY=VALUE` (a tag the script set on that run). */
export type RunSelector = { name: string; tag?: undefined } | { tag: { key: string; value: string }; name?: undefined };

/** The tag the record carries when a selector moved another run into its place: the selector as written. */
export const SELECTED_RUN_TAG = 'mlci.selectedRun';

/**
 * Reads a selector as the CLI flag and action input write it: `name=X`, `tag:KEY=VALUE`, or `first` / empty
 * for the default. `input` names the flag or input in the error.
 */
export function parseRunSelector(text: string | undefined, input = '--select-run'): RunSelector | undefined {
  const value = (text ?? '').trim();
  if (!value || value === 'first') return undefined;
  const name = /^name=(.+)$/s.exec(value);
  if (name) return { name: name[1] };
  const tag = /^tag:([^=]+)=(.*)$/s.exec(value);
  if (tag && tag[1].trim()) return { tag: { key: tag[1].trim(), value: tag[2] } };
  throw usageError(
    `${input} "${value}" is not a run selector`,
    'write name=RUN_NAME, tag:KEY=VALUE (a tag the script sets on that run), or first (the default: the first top-level run)',
  );
}

export const describeSelector = (s: RunSelector): string => (s.name !== undefined ? `name=${s.name}` : `tag:${s.tag.key}=${s.tag.value}`);

const matches = (s: RunSelector, run: { name: string; tags: Record<string, string> }) =>
  s.name !== undefined ? run.name === s.name : run.tags[s.tag.key] === s.tag.value;

/**
 * The record with the selected run in its place. Throws an input error (the caller records the run FAILED
 * with it) when the selector matches no run or more than one: gating on a guessed run would be worse.
 */
export function applyRunSelection(record: RunRecord, selector: RunSelector | undefined): RunRecord {
  if (!selector) return record;
  const children = record.children ?? [];
  const hits = [...(matches(selector, record) ? [record.id] : []), ...children.filter((c) => matches(selector, c)).map((c) => c.id)];
  const shown = describeSelector(selector);
  const names = [record.name, ...children.map((c) => c.name)].slice(0, 10).map((n) => `"${n}"`);
  if (!hits.length)
    throw inputError(`select-run ${shown} matched none of the ${children.length + 1} runs the script opened (${names.join(', ')})`, {
      hint: 'select by a run name the script gives (mlflow.start_run(run_name=...)) or a tag it sets (mlflow.set_tag), or drop select-run to use the first top-level run',
    });
  if (hits.length > 1)
    throw inputError(
      `select-run ${shown} matched ${hits.length} runs (${hits.map((h) => h.slice(0, 8)).join(', ')}); it must match exactly one`,
      {
        hint: 'select by a tag only the run you mean carries, e.g. mlflow.set_tag("mlci.role", "final") and select-run tag:mlci.role=final',
      },
    );
  const tagged = (r: RunRecord) => ({ ...r, tags: { ...r.tags, [SELECTED_RUN_TAG]: shown } });
  if (hits[0] === record.id) return tagged(record);
  const chosen = children.find((c) => c.id === hits[0])!;
  // The two runs swap ids, so every parent link keeps pointing at the same run's data.
  const swap = (id: string | undefined) => (id === record.id ? chosen.id : id === chosen.id ? record.id : id);
  const relink = (tags: Record<string, string>): Record<string, string> => {
    const parent = tags['mlflow.parentRunId'];
    if (parent === undefined) return tags;
    return { ...tags, 'mlflow.parentRunId': swap(parent)! };
  };
  // System metrics describe the command, not one MLflow run: they stay with the record.
  const system = Object.fromEntries(Object.entries(record.metrics).filter(([k]) => k.startsWith('system/')));
  const own = Object.fromEntries(Object.entries(record.metrics).filter(([k]) => !k.startsWith('system/')));
  const displaced: ChildRun = {
    id: chosen.id,
    name: record.name,
    experiment: record.experiment,
    status: record.status,
    startTime: record.startTime,
    endTime: record.endTime,
    params: record.params,
    metrics: own,
    tags: relink(record.tags),
    artifacts: record.artifacts,
    ...runExtras(record),
  };
  const chosenTags = relink(chosen.tags);
  // The record is a top-level run; a selected nested run keeps where it came from as a tag of its own.
  if (chosenTags['mlflow.parentRunId'] !== undefined) {
    chosenTags['mlci.selectedRun.parent'] = chosenTags['mlflow.parentRunId'];
    delete chosenTags['mlflow.parentRunId'];
  }
  return tagged({
    ...record,
    name: chosen.name,
    experiment: chosen.experiment,
    params: chosen.params,
    metrics: { ...chosen.metrics, ...system },
    tags: chosenTags,
    artifacts: chosen.artifacts,
    inputs: undefined,
    outputs: undefined,
    deleted: undefined,
    ...runExtras(chosen),
    children: children.map((c) => (c.id === chosen.id ? displaced : { ...c, tags: relink(c.tags) })),
    ...(record.loggedModels
      ? {
          loggedModels: record.loggedModels.map((m) => ({
            ...m,
            sourceRunId: swap(m.sourceRunId ?? undefined) ?? null,
            metrics: m.metrics.map((p) => (p.runId ? { ...p, runId: swap(p.runId) } : p)),
          })),
        }
      : {}),
  });
}

/** A run's MLflow inputs, outputs and deletion mark: they move with the run they belong to. */
const runExtras = (run: Pick<ChildRun, 'inputs' | 'outputs' | 'deleted'>) => ({
  ...(run.inputs ? { inputs: run.inputs } : {}),
  ...(run.outputs ? { outputs: run.outputs } : {}),
  ...(run.deleted ? { deleted: run.deleted } : {}),
});

/**
 * `applyRunSelection` for the end of a run: a selector that matches no run (or several) does not throw but
 * ends the run FAILED with the reason in `mlci.error`, as any other problem found after the command ran.
 */
export function selectOrFail(record: RunRecord, selector: RunSelector | undefined): { record: RunRecord; problem?: MlciError } {
  try {
    return { record: applyRunSelection(record, selector) };
  } catch (error) {
    if (!(error instanceof MlciError)) throw error;
    const previous = record.tags['mlci.error'];
    return {
      record: {
        ...record,
        status: record.status === 'FINISHED' ? 'FAILED' : record.status,
        tags: { ...record.tags, 'mlci.error': previous ? `${previous}; ${error.oneLine()}` : error.oneLine() },
      },
      problem: error,
    };
  }
}
