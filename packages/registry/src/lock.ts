import { open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MlciError } from '@mlci/core';

export interface LockOptions {
  /** Give up after this many milliseconds of waiting. @default 15000 */
  timeoutMs?: number;
  /** A lock older than this is taken over even when its process cannot be checked (another host). @default 120000 */
  staleMs?: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `body` holding an exclusive lock file (created with O_EXCL, so exactly one process holds it). Waiters
 * retry with backoff; a lock left by a dead process on this host, or older than `staleMs`, is broken.
 */
export async function withLockFile<T>(path: string, body: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  const staleMs = options.staleMs ?? 120_000;
  await mkdir(dirname(path), { recursive: true });
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() }));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readFile(path, 'utf8')
        .then((t) => JSON.parse(t) as { pid: number; host: string; at: number })
        .catch(() => null);
      const stale = holder && ((holder.host === hostname() && !alive(holder.pid)) || Date.now() - holder.at > staleMs);
      if (stale) {
        await rm(path, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new MlciError(
          'remote',
          `timed out waiting for the registry lock ${path}` + (holder ? ` (held by pid ${holder.pid} on ${holder.host})` : ''),
          {
            hint: 'another promotion is running; wait for it, or delete the lock file if that process is gone',
          },
        );
      }
      await new Promise((r) => setTimeout(r, wait + Math.random() * wait));
    }
  }
  try {
    return await body();
  } finally {
    await rm(path, { force: true });
  }
}
