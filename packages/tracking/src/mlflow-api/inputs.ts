/**
 * Run inputs and outputs as MLflow's REST API carries them (`runs/log-inputs`, `runs/outputs`), turned into
 * the record's `inputs` / `outputs` and back, and linked to mlci's own data lineage.
 *
 * MLflow's dataset digest is not a file hash (for pandas it is 8 hex characters of an md5 over a sample of
 * rows, the shape and the column names: mlflow/data/digest_utils.py), so an input logged from a DataFrame is
 * linked to an mlci dataset by its source path (`{"uri": "data/iris.csv"}` from `from_pandas(source=…)`);
 * a digest that is the dataset's SHA-256 (or a prefix of 8+ characters) or DVC md5 links by digest.
 */
import { isAbsolute, resolve } from 'node:path';
import type { DatasetRef, RunInput, RunOutput, RunRecord } from '@mlci/store';
import { type Body, type KeyValue, invalid, str } from './protocol';

/** One entry of `dataset_inputs`, as MLflow's JSON has it. */
export interface DatasetInputJson {
  tags: KeyValue[];
  dataset: { name: string; digest: string; source_type: string; source: string; schema?: string; profile?: string };
}

/** A dataset input from a `runs/log-inputs` body, checked as MLflow checks it (name, digest, source required). */
export function datasetInput(body: Body, index: number): DatasetInputJson {
  const d: Body = body?.dataset ?? {};
  const field = (name: string) => str(d[name], `datasets[${index}].dataset.${name}`);
  const tags: KeyValue[] = (Array.isArray(body?.tags) ? body.tags : []).map((t: Body) => ({
    key: str(t?.key, `datasets[${index}].tags.key`),
    value: String(t?.value ?? ''),
  }));
  const dataset: DatasetInputJson['dataset'] = {
    name: field('name'),
    digest: field('digest'),
    source_type: field('source_type'),
    source: field('source'),
  };
  if (d.schema) dataset.schema = String(d.schema);
  if (d.profile) dataset.profile = String(d.profile);
  return { tags, dataset };
}

/** A dataset (name and digest) logged again to the same run is the input it already has, as MLflow's store keeps it. */
export function addInputs(existing: DatasetInputJson[], added: DatasetInputJson[]): void {
  for (const input of added)
    if (!existing.some((e) => e.dataset.name === input.dataset.name && e.dataset.digest === input.dataset.digest)) existing.push(input);
}

export const toRunInput = (i: DatasetInputJson): RunInput => ({
  name: i.dataset.name,
  digest: i.dataset.digest,
  sourceType: i.dataset.source_type,
  source: i.dataset.source,
  ...(i.dataset.schema ? { schema: i.dataset.schema } : {}),
  ...(i.dataset.profile ? { profile: i.dataset.profile } : {}),
  tags: Object.fromEntries(i.tags.map((t) => [t.key, t.value])),
});

/** A record's input as `runs/log-inputs` sends it (what `mlci export` writes). */
export const fromRunInput = (i: RunInput): DatasetInputJson => ({
  tags: Object.entries(i.tags ?? {}).map(([key, value]) => ({ key, value })),
  dataset: {
    name: i.name,
    digest: i.digest,
    source_type: i.sourceType,
    source: i.source,
    ...(i.schema ? { schema: i.schema } : {}),
    ...(i.profile ? { profile: i.profile } : {}),
  },
});

/** `runs/outputs` models, checked: each names a model id; step defaults to 0. */
export function modelOutputs(body: Body): RunOutput[] {
  if (!Array.isArray(body.models)) throw invalid("Missing value for required parameter 'models'.");
  return body.models.map((m: Body, i: number) => ({
    modelId: str(m?.model_id, `models[${i}].model_id`),
    step: Math.trunc(Number(m?.step ?? 0)),
  }));
}

/** The path a dataset source names, when it names a local file (`{"uri": …}` / `{"path": …}`, file:// or plain). */
function sourcePath(source: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch {
    return null;
  }
  const uri = (parsed as { uri?: unknown; path?: unknown })?.uri ?? (parsed as { path?: unknown })?.path;
  if (typeof uri !== 'string' || !uri) return null;
  if (uri.startsWith('file://')) return decodeURIComponent(uri.slice('file://'.length));
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) ? null : uri;
}

/** The mlci dataset an MLflow input is, by digest first, then by source path (relative paths from `projectDir`). */
export function linkInput(input: RunInput, datasets: DatasetRef[], projectDir: string): RunInput['lineage'] {
  const digest = input.digest.toLowerCase();
  const byDigest = datasets.find(
    (d) => d.sha256 === digest || (digest.length >= 8 && d.sha256.startsWith(digest)) || (d.dvcMd5 && d.dvcMd5 === digest),
  );
  if (byDigest) return { path: byDigest.path, sha256: byDigest.sha256, by: 'digest' };
  const path = sourcePath(input.source);
  if (!path) return undefined;
  const abs = isAbsolute(path) ? resolve(path) : resolve(projectDir, path);
  const bySource = datasets.find((d) => (isAbsolute(d.path) ? resolve(d.path) : resolve(projectDir, d.path)) === abs);
  return bySource ? { path: bySource.path, sha256: bySource.sha256, by: 'source' } : undefined;
}

/** The record's part with each input of it and of its child runs linked to one of `datasets` where one matches. */
export function linkInputs<R extends Pick<RunRecord, 'inputs' | 'children'>>(record: R, datasets: DatasetRef[], projectDir: string): R {
  if (!datasets.length) return record;
  const link = (inputs: RunInput[] | undefined) =>
    inputs?.map((i) => {
      const lineage = linkInput(i, datasets, projectDir);
      return lineage ? { ...i, lineage } : i;
    });
  return {
    ...record,
    ...(record.inputs ? { inputs: link(record.inputs) } : {}),
    ...(record.children ? { children: record.children.map((c) => (c.inputs ? { ...c, inputs: link(c.inputs) } : c)) } : {}),
  };
}
