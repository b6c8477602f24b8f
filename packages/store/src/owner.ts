/**
 * Which process owns a RUNNING run, so that a run whose `mlci train` died without a word (SIGKILL, a crash,
 * a reboot) is not RUNNING for ever: `mlci train` tags its RUNNING record with `mlci.owner`, and a reader on
 * the same machine that finds the owner gone marks the run FAILED ("abandoned"). Conservative: a run from
 * another host, container (pid namespace) or an unreadable tag is left as it is.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

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
