import { inputError } from '@mlci/core';
import type { AliasEvent } from './types';

/**
 * The newest event of an alias when it names the current holder; null when the alias was never assigned or
 * nobody holds it now (its newest event is an `unassign` read from GTO's tags).
 */
export function currentEvent(history: AliasEvent[]): AliasEvent | null {
  const last = history.length ? history[history.length - 1] : null;
  return last && last.action !== 'unassign' ? last : null;
}

/** The highest N an alias's tags carry (0 for none): the next assignment is `name#alias#(N+1)`. */
export const newestSeq = (history: AliasEvent[]): number => history.reduce((n, e) => Math.max(n, e.seq), 0);

/** Versions of `name` that hold an alias now, by alias. */
export function holders(histories: Map<string, AliasEvent[]>): Map<string, AliasEvent> {
  const out = new Map<string, AliasEvent>();
  for (const [alias, history] of histories) {
    const current = currentEvent(history);
    if (current) out.set(alias, current);
  }
  return out;
}

/**
 * The event a promotion appends: after `current` (an mlci history, numbered without gaps), or after the whole
 * `history` (any history, GTO's too: seq one past the highest N, basis the newest event, previous its holder).
 */
export function promotionEvent(
  current: AliasEvent | null | AliasEvent[],
  fields: Pick<AliasEvent, 'name' | 'alias' | 'version' | 'runId' | 'cardSha256' | 'by'> & { at?: Date },
): AliasEvent {
  const history = Array.isArray(current) ? current : null;
  const holder = history ? currentEvent(history) : (current as AliasEvent | null);
  const seq = (history ? newestSeq(history) : (holder?.seq ?? 0)) + 1;
  const basis = history ? (history[history.length - 1]?.seq ?? 0) : seq - 1;
  return {
    schema: 1,
    name: fields.name,
    alias: fields.alias,
    seq,
    action: 'promote',
    version: fields.version,
    previous: holder?.version ?? null,
    basis,
    runId: fields.runId,
    cardSha256: fields.cardSha256,
    by: fields.by,
    at: (fields.at ?? new Date()).toISOString(),
  };
}

/**
 * The event a rollback appends: it restores the holder of the current event's basis, and takes that event's
 * basis so a second rollback goes one step further back. Refuses when there is nothing earlier to restore.
 */
export function rollbackEvent(history: AliasEvent[], by: string, at = new Date()): AliasEvent {
  const current = currentEvent(history);
  const last = history[history.length - 1];
  if (!current && last)
    throw inputError(
      `${last.name}@${last.alias} has no holder now (${last.name}#${last.alias}#${last.seq} left it unassigned), so there is nothing to roll back`,
      {
        hint: `assign the version you want: \`mlci models promote ${last.name} --run RUN --alias ${last.alias}\` or \`gto assign\``,
      },
    );
  if (!current)
    throw inputError(`alias has never been assigned, so there is nothing to roll back`, {
      hint: 'promote a version first: `mlci models promote NAME --run RUN`',
    });
  // The state after event `basis`: with GTO's tags several events can share an N, and the last of them holds.
  const restored = history.findLast((e) => e.seq === current.basis);
  if (!restored || restored.action === 'unassign') {
    throw inputError(`${current.name}@${current.alias} has no earlier holder to roll back to (v${current.version} was its first)`, {
      hint: 'promote the version you want instead: `mlci models promote NAME --run RUN`',
    });
  }
  return {
    schema: 1,
    name: current.name,
    alias: current.alias,
    seq: newestSeq(history) + 1,
    action: 'rollback',
    version: restored.version,
    previous: current.version,
    basis: restored.basis,
    runId: restored.runId,
    cardSha256: restored.cardSha256,
    by,
    at: at.toISOString(),
  };
}

/** Checks an event read back from storage has the fields we rely on (stored data can be edited by hand). */
export function parseAliasEvent(value: unknown, where: string): AliasEvent {
  const e = value as AliasEvent;
  const ok =
    e &&
    typeof e === 'object' &&
    e.schema === 1 &&
    typeof e.name === 'string' &&
    typeof e.alias === 'string' &&
    Number.isInteger(e.seq) &&
    (e.action === 'promote' || e.action === 'rollback') &&
    typeof e.version === 'string' &&
    Number.isInteger(e.basis) &&
    typeof e.cardSha256 === 'string';
  if (!ok)
    throw inputError('alias event is malformed', {
      file: where,
      hint: 'alias records are written by mlci; restore it from history or remove the damaged event',
    });
  return e;
}
