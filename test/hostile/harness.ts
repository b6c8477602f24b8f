/**
 * The hostile-input corpus (issue #12): every case runs the real `mlci` bin as a child process and judges what a
 * user sees. A case is clean when the exit code is the documented one, stderr names the input at fault and gives
 * a hint, no stack trace or "internal error" is printed, no run is left RUNNING, nothing is written outside the
 * directory the command owns, and the command ends within a generous ceiling (a hang, not slowness, fails it).
 */
import { spawn } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { mlciBin } from '../harness/cli';
import { repoRoot } from '../harness/runner';

export interface HostileRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** True when the ceiling was reached and the process group was killed: a hang. */
  timedOut: boolean;
}

export interface HostileOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Written to stdin, then stdin is closed; by default stdin is closed at once. */
  input?: string;
  /** Ceiling in ms before the case counts as a hang (default 90 s: far above any honest run, below vitest's limit). */
  ceilingMs?: number;
  /** Keep at most this many bytes of each stream (a case must not flood the test process either). */
  maxCapture?: number;
}

/** Runs `mlci ARGS` in its own process group, killing the whole group at the ceiling. */
export function runMlci(args: string[], options: HostileOptions = {}): Promise<HostileRun> {
  return runNode([mlciBin, ...args], options);
}

/** Runs `node ARGV` (a project script, say) the same way: own process group, killed at the ceiling. */
export function runNode(argv: string[], options: HostileOptions = {}): Promise<HostileRun> {
  const ceilingMs = options.ceilingMs ?? 90_000;
  const maxCapture = options.maxCapture ?? 4 * 1024 * 1024;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, argv, {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', GITHUB_TOKEN: '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => stdout.length < maxCapture && (stdout += d));
    child.stderr.on('data', (d) => stderr.length < maxCapture && (stderr += d));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }, ceilingMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ exitCode: code, stdout, stderr, timedOut });
    });
  });
}

/** A stack frame as V8 prints it, or mlci's catch-all for a bug. */
const STACK_OR_BUG = /(^|\n)\s+at .+:\d+:\d+\)?(\n|$)|internal error|this is a bug in mlci/;

export interface Refusal {
  /** The documented exit code: 1 a failed check, 2 bad input or usage, 3 a remote failure. */
  exit: number;
  /** What stderr must name (the file, row, input or endpoint at fault). */
  names: (string | RegExp)[];
  /** A hint line is required (default true). */
  hint?: boolean;
  /** Where the message is read from (default stderr). */
  stream?: 'stderr' | 'stdout' | 'both';
}

/** Asserts a clean refusal: the exit code, the names, a hint, no stack trace and no hang. */
export function expectCleanRefusal(run: HostileRun, refusal: Refusal): void {
  const text = refusal.stream === 'stdout' ? run.stdout : refusal.stream === 'both' ? run.stdout + run.stderr : run.stderr;
  const context = `exit ${run.exitCode}${run.timedOut ? ' (killed at the ceiling: a hang)' : ''}\nstderr: ${run.stderr.slice(0, 3000)}\nstdout: ${run.stdout.slice(0, 1000)}`;
  expect(run.timedOut, context).toBe(false);
  expect(run.stdout + run.stderr, context).not.toMatch(STACK_OR_BUG);
  expect(run.exitCode, context).toBe(refusal.exit);
  for (const name of refusal.names) {
    if (typeof name === 'string') expect(text, context).toContain(name);
    else expect(text, context).toMatch(name);
  }
  if (refusal.hint ?? true) expect(text, context).toMatch(/hint:/);
}

/** Asserts a run that ended without a stack trace or a hang, whatever its exit (for the "passes without checking" rows). */
export function expectNoCrash(run: HostileRun): void {
  const context = `exit ${run.exitCode}\nstderr: ${run.stderr.slice(0, 3000)}\nstdout: ${run.stdout.slice(0, 1000)}`;
  expect(run.timedOut, context).toBe(false);
  expect(run.stdout + run.stderr, context).not.toMatch(STACK_OR_BUG);
}

/** The runs of a project's local store (`<project>/.mlci/runs/<id>/run.json`) with their status. */
export async function storedRuns(projectDir: string): Promise<{ id: string; status: string; record: any }[]> {
  const dir = join(projectDir, '.mlci', 'runs');
  if (!existsSync(dir)) return [];
  const runs = [];
  for (const id of await readdir(dir)) {
    const file = join(dir, id, 'run.json');
    if (!existsSync(file)) continue;
    const record = JSON.parse(await readFile(file, 'utf8'));
    runs.push({ id, status: record.status, record });
  }
  return runs;
}

/** Asserts that no run of the project is left RUNNING. */
export async function expectNoRunningRun(projectDir: string): Promise<void> {
  const running = (await storedRuns(projectDir)).filter((r) => r.status === 'RUNNING');
  expect(
    running.map((r) => r.id),
    'runs left RUNNING',
  ).toEqual([]);
}

/** Every file under `dir` (relative paths), to compare before and after a case. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.push(relative(dir, path));
    }
  };
  if (existsSync(dir)) await walk(dir);
  return out.sort();
}

/** Size of a file, or -1 when absent (for "nothing half-written" checks). */
export async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return -1;
  }
}
