/**
 * The run journal's writer: every item a run logs (params, metric points, tags, artifacts, child runs opened,
 * named and ended) is appended to `<store>/runs/<id>/journal.jsonl` as it arrives, so that when mlci dies
 * (SIGKILL, the OOM killer) the next mlci command rebuilds the run from it (`@mlci/store`: run-journal.ts for
 * the format, owner.ts for the rebuild, KILLED).
 *
 * When lines reach the disk:
 * - **written** (one `write(2)` of everything queued) on the event-loop turn after they were logged
 *   (`setImmediate`), so a log_batch of 1000 values is one system call, and a SIGKILL of mlci loses at most what
 *   the request being handled at that instant logged: the kernel keeps what was written whatever way the
 *   process dies;
 * - **fsynced** every 200 ms while there is something unsynced (one fsync in flight at a time, on libuv's
 *   thread pool so ingest never waits for the disk), so a crash of the machine itself (power, kernel) loses at
 *   most the last 200 ms plus one fsync. By time, not by a record count: the cost of fsync is per call, not per
 *   byte, so a count would add calls exactly when ingest is heaviest; the time bound is what bounds the loss.
 *
 * Child runs: the MLflow endpoint makes a RunCollector of its own for each further run the script opens. A
 * collector made while `journal.scope(...)` is active (the endpoint's requests run in the scope it was started
 * in, through AsyncLocalStorage) joins the journal as the next run index. Their MLflow ids, the experiment and
 * the children's ends are learnt from the endpoint's state every 200 ms (`follow`).
 *
 * A journal that cannot be written (full disk, read-only mount) stops journaling and says why in `error`;
 * the run itself goes on (its record is still written at the end from memory).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, fsync, mkdirSync, openSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { journalLine, journalPath, type ChildRun, type RunStatus } from '@mlci/store';
import type { RunCollector } from './collector';

/** How often unsynced lines are fsynced (and the endpoint's state is looked at for child-run ids and ends). */
export const JOURNAL_SYNC_MS = 200;

const scope = new AsyncLocalStorage<RunJournal>();

/** What the journal learns from the MLflow endpoint (its `state`): ids, the experiment, child ends. */
export interface FollowedRuns {
  experimentOf(runId: string): string | undefined;
  childRuns(status: RunStatus, endTime: number): ChildRun[];
  /** Every run by MLflow id with its collector: children are told apart by collector, not by position. */
  readonly runs?: ReadonlyMap<string, { collector: RunCollector }>;
}

export class RunJournal {
  private fd: number;
  private queue: string[] = [];
  private scheduled = false;
  private unsynced = false;
  private syncing = false;
  private readonly timer: NodeJS.Timeout;
  private readonly children: RunCollector[] = [];
  private readonly childIndex = new Map<RunCollector, number>();
  private readonly ticks: Array<() => void> = [];
  /** Set when a write failed: journaling stopped there. */
  error: Error | null = null;
  /** Lines written so far (the header aside). */
  lines = 0;

  private constructor(
    readonly path: string,
    readonly runId: string,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.timer = setInterval(() => this.tick(), JOURNAL_SYNC_MS);
    this.timer.unref();
  }

  /** Opens (creates, appends to) the journal of run `runId` at `path`. Throws the fs error when it cannot. */
  static open(path: string, runId: string): RunJournal {
    const journal = new RunJournal(path, runId);
    journal.writeNow(journalLine.header(runId));
    if (journal.error) throw journal.error;
    return journal;
  }

  /** The journal whose scope the caller runs in, if any. */
  static current(): RunJournal | undefined {
    return scope.getStore();
  }

  /** Runs `fn` (and everything it starts: servers, their requests) in this journal's scope. */
  scope<T>(fn: () => T): T {
    return scope.run(this, fn);
  }

  /** A collector made in the scope: the next run index. Returns it. */
  openChild(collector: RunCollector): number {
    this.children.push(collector);
    const index = this.children.length;
    this.childIndex.set(collector, index);
    this.write(journalLine.open(index, Date.now()));
    return index;
  }

  /** Queues a line; it is written on the next event-loop turn. */
  write(line: string): void {
    if (this.fd < 0) return;
    this.queue.push(line);
    this.lines++;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private writeNow(text: string): void {
    try {
      const bytes = Buffer.from(text);
      for (let off = 0; off < bytes.length;) off += writeSync(this.fd, bytes, off);
      this.unsynced = true;
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private fail(error: Error): void {
    this.error ??= error;
    this.queue = [];
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    clearInterval(this.timer);
  }

  /** Writes what is queued (one system call). */
  flush(): void {
    this.scheduled = false;
    if (this.fd < 0 || !this.queue.length) return;
    const text = this.queue.length === 1 ? this.queue[0] : this.queue.join('');
    this.queue = [];
    this.writeNow(text);
  }

  private tick(): void {
    for (const t of this.ticks) t();
    this.flush();
    if (!this.unsynced || this.syncing || this.fd < 0) return;
    this.unsynced = false;
    this.syncing = true;
    fsync(this.fd, (error) => {
      this.syncing = false;
      if (error && this.fd >= 0) this.fail(error);
    });
  }

  /**
   * Learns from the MLflow endpoint's state, at each tick: the mlci run's experiment, each child's MLflow id
   * and the end of each child the script ended. A child is the run whose collector it is (`state.runs`);
   * without that map, children are matched in creation order, checked by name, and none when the counts differ.
   */
  follow(state: FollowedRuns): void {
    let experiment: string | undefined;
    const idOf = new Map<number, string>();
    const ended = new Map<number, string>();
    this.ticks.push(() => {
      const now = state.experimentOf(this.runId);
      if (now !== undefined && now !== experiment) {
        experiment = now;
        this.write(journalLine.identify(0, this.runId, now));
      }
      if (!this.children.length) return;
      const runs = state.childRuns('RUNNING', Date.now());
      const indexOf = new Map<string, number>();
      if (state.runs) {
        for (const [id, run] of state.runs) {
          const index = this.childIndex.get(run.collector);
          if (index !== undefined) indexOf.set(id, index);
        }
      } else if (runs.length === this.children.length) {
        runs.forEach((run, i) => run.name === this.children[i].name && indexOf.set(run.id, i + 1));
      }
      for (const run of runs) {
        const index = indexOf.get(run.id);
        if (index === undefined) continue;
        if (idOf.get(index) !== run.id) {
          idOf.set(index, run.id);
          this.write(journalLine.identify(index, run.id, run.experiment));
        }
        if (run.status !== 'RUNNING' && ended.get(index) !== run.status) {
          ended.set(index, run.status);
          this.write(journalLine.end(index, run.status, run.endTime ?? Date.now()));
        }
      }
    });
  }

  /**
   * Stops journaling. `keep`: the journal stays, written and fsynced (the run's end could not be recorded,
   * so a later reader rebuilds from it); otherwise it is removed (the record now holds everything).
   */
  async close(keep: boolean): Promise<void> {
    clearInterval(this.timer);
    for (const t of this.ticks) t();
    this.flush();
    const fd = this.fd;
    this.fd = -1;
    if (fd >= 0) {
      if (keep) await new Promise<void>((done) => fsync(fd, () => done()));
      closeSync(fd);
    }
    if (!keep) await rm(this.path, { force: true });
  }
}

/**
 * The journal of run `runId` in `store`'s local directory (a LocalStore's root, or a GitHub store's workspace),
 * or null for a store that has none. A journal that cannot be opened is reported through `warn` and the run
 * goes on without one.
 */
export function openRunJournal(store: object, runId: string, warn: (message: string) => void): RunJournal | null {
  const s = store as { root?: unknown; workspace?: { root?: unknown } };
  const root = typeof s.root === 'string' ? s.root : typeof s.workspace?.root === 'string' ? s.workspace.root : null;
  if (!root) return null;
  const path = journalPath(root, runId);
  try {
    return RunJournal.open(path, runId);
  } catch (error) {
    warn(`cannot write the run journal ${path} (${(error as Error).message}): if mlci dies, what the run logged is lost`);
    return null;
  }
}
