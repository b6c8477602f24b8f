import { MlciError } from '@mlci/core';

/** A version tag is already published (or taken by a concurrent promotion): tags are never reused. */
export class VersionExistsError extends MlciError {
  constructor(
    readonly tag: string,
    where: string,
  ) {
    super('input', `version ${tag} already exists in ${where}; published versions are immutable and their tags are never reused`, {
      hint: 'let mlci pick the next version (omit --version), or pass a higher --version',
    });
  }
}

/**
 * Another promotion moved the alias after this one read it. Exit 3: the remote state refused the change;
 * nothing about it is wrong with the input, and rerunning decides again against the new holder.
 */
export class AliasConflictError extends MlciError {
  constructor(
    readonly alias: string,
    readonly expectedSeq: number,
    readonly winner: { seq: number; version: string } | null,
    detail = '',
  ) {
    super(
      'remote',
      `lost the race for alias "${alias}": another promotion moved it first` +
        (winner ? ` (to v${winner.version}, assignment #${winner.seq})` : '') +
        `; this one expected assignment #${expectedSeq} to be the newest${detail ? `. ${detail}` : ''}`,
      { hint: 'nothing was overwritten; check `mlci models show NAME@ALIAS` and rerun the promotion if this version should still win' },
    );
  }
}

/** Gates were required and failed (or were missing): the CLI exits 1, as for any failed check. */
export class GatesFailedError extends MlciError {
  constructor(message: string, hint: string) {
    super('input', message, { hint });
  }
}
