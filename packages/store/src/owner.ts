/**
 * Which process owns a RUNNING run, so that a run whose `mlci train` died without a word (SIGKILL, a crash,
 * a reboot) is not RUNNING for ever: `mlci train` tags its RUNNING record with `mlci.owner`, and a reader on
 * the same machine that finds the owner gone marks the run KILLED ("abandoned") and rebuilds what the script
 * had logged from the run's journal (`run-journal.ts`). Conservative: a run from another host, container (pid
 * namespace) or an unreadable tag is left as it is.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { JOURNAL_FILE, replayJournal, type JournaledRun } from './run-journal';
import type { ChildRun, RunRecord } from './run-record';

export const OWNER_TAG = 'mlci.owner';

interface Owner {
  host: string;
  boot: string;
  pidns: string;
  pid: number;
  /** Start time of the process in clock ticks since boot (Linux /proc/<pid>/stat field 22): guards pid reuse. */
  start: string;
}

const read = (f: () => string) => {
  try {
    return f().trim();
  } catch {
    return '';
  }
};

function startTime(pid: number | 'self'): string {
  const stat = read(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  return stat ? (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '') : '';
}

const here = () => ({
  host: hostname(),
  boot: read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
  pidns: read(() => readlinkSync('/proc/self/ns/pid')),
});

/** The `mlci.owner` tag value naming this process. */
export function ownerTag(): string {
  const h = here();
  return new URLSearchParams({ host: h.host, boot: h.boot, pidns: h.pidns, pid: String(process.pid), start: startTime('self') }).toString();
}

function parse(tag: string): Owner | null {
  const q = new URLSearchParams(tag);
  const pid = Number(q.get('pid'));
  if (!q.get('host') || !Number.isInteger(pid) || pid <= 0) return null;
  return { host: q.get('host')!, boot: q.get('boot') ?? '', pidns: q.get('pidns') ?? '', pid, start: q.get('start') ?? '' };
}

/** Why the owner named by `tag` is known to be gone, or null when it may be alive (or cannot be told). */
export function ownerGone(tag: string | undefined): string | null {
  const owner = tag ? parse(tag) : null;
  if (!owner) return null;
  const h = here();
  if (owner.host !== h.host) return null;
  const who = `mlci (pid ${owner.pid} on ${owner.host})`;
  if (owner.boot && h.boot && owner.boot !== h.boot) return `${who} did not survive a reboot`;
  if (owner.pidns !== h.pidns) return null;
  if (owner.pid === process.pid) return null;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return `${who} is no longer running`;
    return null;
  }
  if (owner.start && h.boot) {
    const now = startTime(owner.pid);
    if (now && now !== owner.start) return `${who} is no longer running (its pid is now another process)`;
  }
  return null;
}

const sorted = (refs: Iterable<{ path: string; sha256: string; size: number }>) =>
  [...refs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

/**
 * The record of a RUNNING run whose owner is gone (`gone` says why), as it is kept: KILLED, with the params,
 * metric points, tags, artifacts and child runs its journal (`<runDir>/journal.jsonl`) holds, merged over
 * what the RUNNING record had; `mlci.error` says it was abandoned and what was rebuilt. The end time is the
 * journal's last write (when mlci was last seen working), else now. A child run the journal saw end keeps its
 * status; one still open is KILLED with the run. A child whose MLflow id the writer had not learnt yet gets an
 * id made from the run's id and its position (links to it from its own children are then left as they were).
 * Never throws for a missing or damaged journal: what could not be read is counted in the message.
 */
export async function abandonedRecord(record: RunRecord, runDir: string, gone: string): Promise<RunRecord> {
  const path = join(runDir, JOURNAL_FILE);
  const text = await readFile(path, 'utf8').catch(() => null);
  const modified =
    text === null
      ? null
      : await stat(path).then(
          (s) => s.mtimeMs,
          () => null,
        );
  const journal = replayJournal(text ?? '');
  const [main, ...others] = journal.runs;
  const endTime = Math.max(record.startTime, Math.round(modified ?? journal.lastTime ?? Date.now()));
  const { [OWNER_TAG]: _, ...tags } = record.tags ?? {};
  const points = journal.runs.reduce((n, r) => n + Object.values(r.metrics).reduce((m, p) => m + p.length, 0), 0);
  const rebuilt =
    text === null
      ? 'no journal was found, so nothing logged was kept'
      : `rebuilt from its journal: ${Object.keys(main.params).length} params, ${points} metric points, ` +
        `${Object.keys(main.tags).length} tags, ${main.artifacts.size} artifacts, ${others.length} child runs` +
        (journal.ignored ? `; ${journal.ignored} journal lines could not be read and were ignored` : '');
  const idOf = (run: JournaledRun) => run.id ?? createHash('sha256').update(`${record.id}:${run.index}`).digest('hex').slice(0, 32);
  const children: ChildRun[] = [
    ...(record.children ?? []),
    ...others.map((c) => ({
      id: idOf(c),
      name: c.name ?? `${main.name ?? record.name}-${c.index}`,
      experiment: c.experiment ?? main.experiment ?? record.experiment,
      status: c.status && c.status !== 'RUNNING' ? c.status : ('KILLED' as const),
      startTime: c.startTime ?? record.startTime,
      endTime: c.status && c.status !== 'RUNNING' ? (c.endTime ?? endTime) : endTime,
      params: { ...c.params },
      metrics: { ...c.metrics },
      tags: { ...c.tags },
      artifacts: sorted(c.artifacts.values()),
    })),
  ];
  const artifacts = new Map((record.artifacts ?? []).map((a) => [a.path, a]));
  for (const a of main.artifacts.values()) artifacts.set(a.path, a);
  return {
    ...record,
    name: main.name ?? record.name,
    experiment: main.experiment ?? record.experiment,
    status: 'KILLED',
    endTime,
    exitCode: null,
    params: { ...record.params, ...main.params },
    metrics: { ...record.metrics, ...main.metrics },
    tags: {
      ...tags,
      ...main.tags,
      'mlci.error': `abandoned: ${gone} and never recorded the run's end (marked KILLED when found; ${rebuilt})`,
    },
    artifacts: sorted(artifacts.values()),
    ...(children.length ? { children } : {}),
  };
}
