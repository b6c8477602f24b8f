/** File-system failures while recording a run (a full disk, a read-only mount), as errors a user can act on. */
import { dirname } from 'node:path';
import { inputError, MlciError } from '@mlci/core';

const WHY: Record<string, { what: string; hint: (dir: string) => string }> = {
  ENOSPC: { what: 'no space left on device', hint: (d) => `free space on the file system holding ${d} (df -h ${d}) and run again` },
  EDQUOT: { what: 'disk quota exceeded', hint: (d) => `free space under your quota on ${d} and run again` },
  EROFS: { what: 'read-only file system', hint: (d) => `${d} is on a read-only mount; run from a writable project directory` },
  EACCES: { what: 'permission denied', hint: (d) => `make ${d} writable by this user` },
  EPERM: { what: 'operation not permitted', hint: (d) => `make ${d} writable by this user` },
  EIO: { what: 'I/O error', hint: (d) => `the device holding ${d} reported an error; check it (dmesg) and run again` },
};

/**
 * Turns a Node fs error raised while `doing` (e.g. "storing artifact model.pkl") into an MlciError naming the
 * path the system call failed on, else `where` (a stream's write error carries no path); other errors (and
 * MlciErrors) pass through unchanged.
 */
export function storageError(error: unknown, doing: string, where?: string): unknown {
  if (error instanceof MlciError) return error;
  const e = error as NodeJS.ErrnoException | undefined;
  const why = e?.code ? WHY[e.code] : undefined;
  if (!why) return error;
  const file = e!.path ?? (e as { dest?: string }).dest ?? where;
  return inputError(`${doing}: ${why.what}`, {
    file,
    hint: why.hint(e!.path ? dirname(file!) : (file ?? 'the project directory')),
    cause: error,
  });
}
