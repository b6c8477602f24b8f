import { inputError } from '@mlci/core';
import type { AliasEvent } from './types';

/** The newest event of an alias (its current holder), or null when it was never assigned. */
export const currentEvent = (history: AliasEvent[]): AliasEvent | null => (history.length ? history[history.length - 1] : null);

/** Versions of `name` that hold an alias now, by alias. */
export function holders(histories: Map<string, AliasEvent[]>): Map<string, AliasEvent> {
  const out = new Map<string, AliasEvent>();
  for (const [alias, history] of histories) {
    const current = currentEvent(history);
    if (current) out.set(alias, current);
  }
  return out;
}

/** The event a promotion appends after `current`. */
export function promotionEvent(
  current: AliasEvent | null,
  fields: Pick<AliasEvent, 'name' | 'alias' | 'version' | 'runId' | 'cardSha256' | 'by'> & { at?: Date },
): AliasEvent {
  const seq = (current?.seq ?? 0) + 1;
  return {
    schema: 1,
    name: fields.name,
    alias: fields.alias,
    seq,
    action: 'promote',
    version: fields.version,
    previous: current?.version ?? null,
    basis: seq - 1,
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
  if (!current)
    throw inputError(`alias has never been assigned, so there is nothing to roll back`, {
      hint: 'promote a version first: `mlci models promote NAME --run RUN`',
    });
  const restored = history.find((e) => e.seq === current.basis);
  if (!restored) {
    throw inputError(`${current.name}@${current.alias} has no earlier holder to roll back to (v${current.version} was its first)`, {
      hint: 'promote the version you want instead: `mlci models promote NAME --run RUN`',
    });
  }
  return {
    schema: 1,
    name: current.name,
    alias: current.alias,
    seq: current.seq + 1,
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
