/**
 * The run journal: what `mlci train` appends to `runs/<id>/journal.jsonl` while the command runs, one JSON
 * array a line, so that a run whose mlci dies (SIGKILL, the OOM killer) keeps what the script had logged. The
 * writer is `@mlci/tracking`'s RunJournal; this module holds the format (line builders) and its reader
 * (`replayJournal`), used by the local store when it finds such a run abandoned (see owner.ts).
 *
 * Lines (`r` is the run's index in the journal: 0 the mlci run, 1.. the other runs the script opened, in
 * creation order):
 *   {"mlci_journal":1,"run":ID}           header
 *   ["c",r,startTime]                     run r opened (a child run)
 *   ["i",r,runId,experiment]              run r's MLflow id and experiment, once known
 *   ["n",r,name]                          run name
 *   ["p",r,key,value]  ["q",r,key]        param set, param removed (a params-file copy)
 *   ["m",r,key,value,step,timestamp]      metric point (value a number, or "NaN" / "Infinity" / "-Infinity")
 *   ["t",r,key,value]  ["u",r,key]        tag set, tag deleted
 *   ["a",r,path,sha256,size]              artifact stored
 *   ["s",r,status,endTime]                run r ended (a child run)
 * The file is append-only with a single writer: only its last line can be cut short (a kill mid-write); such
 * a line is ignored, and so is any line that does not parse.
 */
import { join } from 'node:path';
import type { ArtifactRef, MetricPoint, RunStatus } from './run-record';

export const JOURNAL_FILE = 'journal.jsonl';

/** Where the journal of run `id` lives in a local store rooted at `root`. */
export const journalPath = (root: string, id: string) => join(root, 'runs', id, JOURNAL_FILE);

const q = JSON.stringify;
const num = (v: number) => (Number.isFinite(v) ? String(v) : `"${v}"`);

/** Line builders (each line ends with a newline). Keys and values are JSON-escaped strings. */
export const journalLine = {
  header: (runId: string) => `{"mlci_journal":1,"run":${q(runId)}}\n`,
  open: (r: number, startTime: number) => `["c",${r},${startTime}]\n`,
  identify: (r: number, runId: string, experiment: string | undefined) => `["i",${r},${q(runId)},${q(experiment ?? null)}]\n`,
  name: (r: number, name: string) => `["n",${r},${q(name)}]\n`,
  param: (r: number, key: string, value: string) => `["p",${r},${q(key)},${q(value)}]\n`,
  unparam: (r: number, key: string) => `["q",${r},${q(key)}]\n`,
  /** `keyJson` is `JSON.stringify(key)`, which the writer caches per key (a metric is logged many times). */
  metric: (r: number, keyJson: string, value: number, step: number, timestamp: number) =>
    `["m",${r},${keyJson},${num(value)},${step},${timestamp}]\n`,
  tag: (r: number, key: string, value: string) => `["t",${r},${q(key)},${q(value)}]\n`,
  untag: (r: number, key: string) => `["u",${r},${q(key)}]\n`,
  artifact: (r: number, ref: ArtifactRef) => `["a",${r},${q(ref.path)},${q(ref.sha256)},${ref.size}]\n`,
  end: (r: number, status: RunStatus, endTime: number) => `["s",${r},${q(status)},${endTime}]\n`,
};

/** One run as the journal tells it. */
export interface JournaledRun {
  index: number;
  /** The MLflow run id, when the writer learnt it (always for the mlci run: the header's). */
  id: string | null;
  experiment: string | null;
  name: string | null;
  startTime: number | null;
  status: RunStatus | null;
  endTime: number | null;
  params: Record<string, string>;
  metrics: Record<string, MetricPoint[]>;
  tags: Record<string, string>;
  artifacts: Map<string, ArtifactRef>;
}

export interface JournalReplay {
  /** The mlci run's id from the header, or null when the header is missing. */
  runId: string | null;
  /** Runs by index; index 0 is the mlci run. */
  runs: JournaledRun[];
  /** Lines applied. */
  applied: number;
  /** Lines ignored: a last line cut short, or lines that do not parse or do not make sense. */
  ignored: number;
  /** The largest timestamp seen (metric points, run starts and ends), or null. */
  lastTime: number | null;
}

const keyed = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;
const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
const STATUSES = new Set(['RUNNING', 'FINISHED', 'FAILED', 'KILLED']);

const blank = (index: number): JournaledRun => ({
  index,
  id: null,
  experiment: null,
  name: null,
  startTime: null,
  status: null,
  endTime: null,
  params: keyed(),
  metrics: keyed(),
  tags: keyed(),
  artifacts: new Map(),
});

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Reads a journal's text back into runs. Never throws: what cannot be read is counted in `ignored`. */
export function replayJournal(text: string): JournalReplay {
  const out: JournalReplay = { runId: null, runs: [blank(0)], applied: 0, ignored: 0, lastTime: null };
  const seen = (t: number) => {
    if (out.lastTime === null || t > out.lastTime) out.lastTime = t;
  };
  const lines = text.split('\n');
  // A text that does not end in a newline ends in a line cut short (or still being written): not applied.
  const last = lines.pop();
  if (last !== '' && last !== undefined) out.ignored++;
  for (const line of lines) {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      out.ignored++;
      continue;
    }
    if (!Array.isArray(entry)) {
      const header = entry as { mlci_journal?: unknown; run?: unknown } | null;
      if (header && header.mlci_journal === 1 && isStr(header.run) && out.runId === null) {
        out.runId = header.run;
        out.runs[0].id = header.run;
        out.applied++;
      } else out.ignored++;
      continue;
    }
    const [kind, r, a, b, c, d] = entry as unknown[];
    if (!Number.isInteger(r) || (r as number) < 0 || (r as number) > out.runs.length) {
      out.ignored++;
      continue;
    }
    const index = r as number;
    if (index === out.runs.length) {
      if (kind !== 'c') {
        out.ignored++;
        continue;
      }
      out.runs.push(blank(index));
    }
    const run = out.runs[index];
    let ok = true;
    switch (kind) {
      case 'c':
        ok = isNum(a);
        if (ok) {
          run.startTime = a as number;
          seen(a as number);
        }
        break;
      case 'i':
        // Run 0's id is the header's; its line only brings the experiment.
        ok = isStr(a) && (index > 0 || isStr(b));
        if (ok && index > 0) run.id = a as string;
        if (ok && isStr(b)) run.experiment = b;
        break;
      case 'n':
        if (isStr(a)) run.name = a;
        else ok = false;
        break;
      case 'p':
        if (isStr(a) && isStr(b)) run.params[a] = b;
        else ok = false;
        break;
      case 'q':
        if (isStr(a)) delete run.params[a];
        else ok = false;
        break;
      case 'm': {
        const value = typeof b === 'number' ? b : isStr(b) && b in NON_FINITE ? NON_FINITE[b] : undefined;
        if (isStr(a) && value !== undefined && isNum(c) && isNum(d)) {
          (run.metrics[a] ??= []).push({ step: c, value, timestamp: d });
          seen(d);
        } else ok = false;
        break;
      }
      case 't':
        if (isStr(a) && isStr(b)) run.tags[a] = b;
        else ok = false;
        break;
      case 'u':
        if (isStr(a)) delete run.tags[a];
        else ok = false;
        break;
      case 'a':
        if (isStr(a) && isStr(b) && /^[0-9a-f]{64}$/.test(b) && isNum(c)) run.artifacts.set(a, { path: a, sha256: b, size: c });
        else ok = false;
        break;
      case 's':
        ok = isStr(a) && STATUSES.has(a) && isNum(b);
        if (ok) {
          run.status = a as RunStatus;
          run.endTime = b as number;
          seen(b as number);
        }
        break;
      default:
        ok = false;
    }
    if (ok) out.applied++;
    else out.ignored++;
  }
  return out;
}
