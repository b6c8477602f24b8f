/**
 * Runs the training command as a process group that lives and dies with mlci.
 *
 * The command gets its own session and process group (`detached`), so a signal mlci forwards reaches every
 * process it started (`bash -c "python3 train.py"`, data-loader workers), not only the direct child; with no
 * controlling terminal it can still read an inherited terminal on stdin.
 *
 * mlci itself can die without running any code (SIGKILL, the OOM killer, a runner killing its group). A tiny
 * `sh` watchdog in a session of its own holds the read end of a pipe from mlci: the kernel closes that pipe
 * whatever way mlci dies, the watchdog's `read` then sees EOF and ends the command's group (TERM, then KILL).
 * On a normal end mlci writes "done" first, so the watchdog leaves. Not `setpriv --pdeathsig`: the death signal
 * reaches only the direct child, never the rest of its group (the python under `bash -c "a; python …"`), and
 * it is Linux-only; `sh` is on every POSIX system mlci runs on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface GroupOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  spawnError?: Error;
}

export interface RunningGroup {
  child: ChildProcess;
  /** Resolves when the main process exits (not when every pipe closes: a background process may hold one). */
  exited: Promise<GroupOutcome>;
  /** Sends `signal` to the whole group (the child alone where there are no process groups). */
  signal(signal: NodeJS.Signals): void;
  /**
   * Ends what the command left running in its group (TERM, then KILL after `graceMs`), waits a short drain for
   * its stdout pipe, and dismisses the watchdog. Call once, after `exited`.
   */
  end(graceMs?: number): Promise<void>;
}

const POSIX = process.platform !== 'win32';

// $1 is the group id. INT/HUP are ignored so that only EOF (mlci gone) or "done" decides.
const WATCHDOG = `trap '' INT HUP
IFS= read -r line
[ "$line" = done ] && exit 0
kill -TERM -"$1" 2>/dev/null || exit 0
i=0
while [ $i -lt 30 ] && kill -0 -"$1" 2>/dev/null; do sleep 0.1; i=$((i+1)); done
kill -KILL -"$1" 2>/dev/null
exit 0`;

/**
 * Whether any process of the group is still running. kill(-pgid, 0) also answers for zombies, and orphans are
 * reaped by init when it gets round to it (a container's init may take a second or more): on Linux, a group
 * of zombies only counts as ended.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      // Fields after the command name (which may hold spaces): state, ppid, pgrp, ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
    }
    return false;
  } catch {
    return true;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function spawnGroup(argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv; stdout: 'inherit' | 'pipe' }): RunningGroup {
  const child = spawn(argv[0], argv.slice(1), {
    cwd: options.cwd,
    env: options.env,
    stdio: ['inherit', options.stdout, 'inherit'],
    detached: POSIX,
  });
  const pgid = POSIX ? child.pid : undefined;
  let watchdog: ChildProcess | null = null;
  if (pgid) {
    watchdog = spawn('sh', ['-c', WATCHDOG, 'mlci-watchdog', String(pgid)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    watchdog.on('error', () => {}); // no sh: the group is still signalled and ended by mlci, only not after a SIGKILL
    watchdog.stdin!.on('error', () => {});
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
  }
  const exited = new Promise<GroupOutcome>((done) => {
    child.once('error', (error) => done({ code: null, signal: null, spawnError: error }));
    child.once('exit', (code, signal) => done({ code, signal }));
  });
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (pgid) process.kill(-pgid, sig);
      else child.kill(sig);
    } catch {
      // the group has already gone
    }
  };
  const end = async (graceMs = 3000) => {
    if (pgid && groupAlive(pgid)) {
      signal('SIGTERM');
      for (const start = Date.now(); groupAlive(pgid) && Date.now() - start < graceMs;) await sleep(50);
      if (groupAlive(pgid)) signal('SIGKILL');
    }
    const out = child.stdout;
    if (out && !out.destroyed && !out.readableEnded) {
      // What the command wrote just before it exited may still be in the pipe: a short drain, then let go.
      await Promise.race([new Promise((r) => out.once('close', r)), sleep(300)]);
      out.destroy();
    }
    if (watchdog?.stdin && !watchdog.stdin.destroyed) watchdog.stdin.end('done\n');
  };
  return { child, exited, signal, end };
}
