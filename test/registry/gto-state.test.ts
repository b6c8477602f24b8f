/**
 * gto.ts on its own: tag names, GTO's rules for holders (newest assignment in effect, `!`, deregistration,
 * deprecation), the one-second tie ordered by N, mlci's records kept as written, and the N a promotion takes next.
 * The same rules are checked against the real gto CLI in gto.test.ts.
 */
import { describe, expect, it } from 'vitest';

import {
  currentEvent,
  gtoModelState,
  newestSeq,
  parseAliasEvent,
  parseGtoTag,
  promotionEvent,
  rollbackEvent,
  type GitTagInfo,
} from '@mlci/registry';

const C1 = '1'.repeat(40);
const C2 = '2'.repeat(40);
const C3 = '3'.repeat(40);
/** An annotated tag at second `s` of a fixed minute. */
const tag = (name: string, commit: string, s: number, message = ''): GitTagInfo => ({
  name,
  annotated: true,
  commit,
  date: new Date(Date.UTC(2026, 0, 5, 9, 0, s)).toISOString(),
  tagger: 'ML Engineer',
  message,
});
const holders = (tags: GitTagInfo[], known = []) => {
  const state = gtoModelState('iris', tags, known, parseAliasEvent);
  return Object.fromEntries([...state.aliases].map(([a, h]) => [a, currentEvent(h)?.version ?? null]));
};

describe('GTO tag names', () => {
  it('reads registrations, assignments, their `!` and deprecations, with or without N', () => {
    expect(parseGtoTag('iris@v1.2.3')).toEqual({ action: 'register', name: 'iris', version: '1.2.3', counter: null });
    expect(parseGtoTag('iris@v1.2.3#4')).toEqual({ action: 'register', name: 'iris', version: '1.2.3', counter: 4 });
    expect(parseGtoTag('iris@v1.2.3!#5')).toEqual({ action: 'deregister', name: 'iris', version: '1.2.3', counter: 5 });
    expect(parseGtoTag('iris#prod#2')).toEqual({ action: 'assign', name: 'iris', stage: 'prod', counter: 2 });
    expect(parseGtoTag('iris#prod!#3')).toEqual({ action: 'unassign', name: 'iris', stage: 'prod', counter: 3 });
    expect(parseGtoTag('iris#prod')).toEqual({ action: 'assign', name: 'iris', stage: 'prod', counter: null });
    expect(parseGtoTag('iris@deprecated')).toEqual({ action: 'deprecate', name: 'iris', counter: null });
    expect(parseGtoTag('iris@deprecated#7')).toEqual({ action: 'deprecate', name: 'iris', counter: 7 });
    // Not mlci's to name: other tags, pre-releases, path-like artifacts, stages mlci reserves.
    for (const other of ['v1.0.0', 'iris@v1.0', 'iris@v1.0.0-rc1', 'models/iris@v1.0.0', 'dir=iris@v1.0.0', 'iris#latest#1', 'iris#v2#1'])
      expect(parseGtoTag(other), other).toBeNull();
  });
});

describe('GTO rules for holders', () => {
  const registered = [tag('iris@v0.1.0', C1, 0), tag('iris@v0.2.0', C2, 1), tag('iris@v0.3.0', C3, 2)];

  it('the newest assignment holds; an older one stays in effect underneath and returns when the newer is undone', () => {
    const tags = [...registered, tag('iris#prod#4', C1, 10), tag('iris#prod#5', C2, 11)];
    expect(holders(tags)).toEqual({ prod: '0.2.0' });
    expect(holders([...tags, tag('iris#prod!#6', C2, 12)])).toEqual({ prod: '0.1.0' });
    // Deregistering the holder has the same effect; deregistering every holder leaves none.
    expect(holders([...tags, tag('iris@v0.2.0!#6', C2, 12)])).toEqual({ prod: '0.1.0' });
    expect(holders([...tags, tag('iris@v0.2.0!#6', C2, 12), tag('iris#prod!#7', C1, 13)])).toEqual({ prod: null });
  });

  it('a deprecation clears every stage while it is the newest tag; a newer tag brings them back', () => {
    const tags = [...registered, tag('iris#prod#4', C1, 10), tag('iris#staging#5', C2, 11), tag('iris@deprecated', C3, 12)];
    const state = gtoModelState('iris', tags, [], parseAliasEvent);
    expect(state.deprecated).toBe(true);
    expect(holders(tags)).toEqual({ prod: null, staging: null });
    expect(holders([...tags, tag('iris#staging#6', C3, 13)])).toEqual({ prod: '0.1.0', staging: '0.3.0' });
  });

  it('two tags in one second are ordered by N, not by name (GTO leaves such a tie in version order)', () => {
    // #10 on v0.2.0 was written after #9 on v0.3.0 in the same second: v0.2.0 holds.
    const tags = [...registered, tag('iris#prod#9', C3, 20), tag('iris#prod#10', C2, 20)];
    expect(holders(tags)).toEqual({ prod: '0.2.0' });
    expect(holders([...registered, tag('iris#prod#10', C3, 20), tag('iris#prod#9', C2, 20)])).toEqual({ prod: '0.3.0' });
  });

  it('lightweight tags are ignored, as GTO ignores them; an assignment at a commit with no version holds nothing', () => {
    const light: GitTagInfo = { name: 'iris#prod#4', annotated: false, commit: C1 };
    expect(holders([...registered, light])).toEqual({});
    expect(holders([tag('iris@v0.1.0', C1, 0), tag('iris#prod#2', C3, 5)])).toEqual({});
  });

  it('an assignment at a commit with two versions is refused, as GTO refuses it', () => {
    expect(() => holders([tag('iris@v0.1.0', C1, 0), tag('iris@v0.2.0', C1, 1), tag('iris#prod#3', C1, 2)])).toThrow(
      /iris#prod#3 is on commit 111111111111, which holds versions v0.1.0, v0.2.0 of iris/,
    );
  });

  it("mlci's records are kept as written; a promotion after GTO's tags takes one past the highest N", () => {
    const record = (seq: number, version: string, action: 'promote' | 'rollback', basis: number) =>
      `Assigning stage prod to artifact iris version v${version}\n\n${JSON.stringify({
        schema: 1,
        name: 'iris',
        alias: 'prod',
        seq,
        action,
        version,
        previous: null,
        basis,
        runId: `run-${seq}`,
        cardSha256: 'c'.repeat(64),
        by: 'ci',
        at: '2026-01-05T09:00:30Z',
      })}\n`;
    const tags = [
      ...registered,
      tag('iris#prod#4', C1, 10), // GTO
      tag('iris#staging#5', C2, 11), // GTO, another stage: N counts every tag of the model
      tag('iris#prod#6', C3, 12), // GTO
      tag('iris#prod#7', C1, 13, record(7, '0.1.0', 'rollback', 0)), // mlci's rollback to prod#4's holder
    ];
    const history = gtoModelState('iris', tags, [], parseAliasEvent).aliases.get('prod')!;
    expect(history.map((e) => [e.seq, e.action, e.version, e.basis])).toEqual([
      [4, 'promote', '0.1.0', 0],
      [6, 'promote', '0.3.0', 4],
      [7, 'rollback', '0.1.0', 0],
    ]);
    expect(history[2]!.runId).toBe('run-7');
    expect(newestSeq(history)).toBe(7);
    const next = promotionEvent(history, { name: 'iris', alias: 'prod', version: '0.2.0', runId: 'r', cardSha256: 'x', by: 'me' });
    expect(next).toMatchObject({ seq: 8, previous: '0.1.0', basis: 7 });
    // The rollback restored prod#4's holder, whose basis is 0: nothing earlier to roll back to.
    expect(() => rollbackEvent(history, 'me')).toThrow(/no earlier holder/);
  });

  it('a rollback after an unassignment walks to the holder before it; with nobody holding, it is refused', () => {
    const tags = [
      ...registered,
      tag('iris#prod#4', C1, 10),
      tag('iris#prod#5', C2, 11),
      tag('iris#prod#6', C3, 12),
      tag('iris#prod!#7', C3, 13),
    ];
    const history = gtoModelState('iris', tags, [], parseAliasEvent).aliases.get('prod')!;
    expect(currentEvent(history)?.version).toBe('0.2.0');
    expect(rollbackEvent(history, 'me')).toMatchObject({ seq: 8, action: 'rollback', version: '0.1.0', previous: '0.2.0' });
    const none = gtoModelState(
      'iris',
      [...tags, tag('iris#prod!#8', C2, 14), tag('iris#prod!#9', C1, 15)],
      [],
      parseAliasEvent,
    ).aliases.get('prod')!;
    expect(currentEvent(none)).toBeNull();
    expect(() => rollbackEvent(none, 'me')).toThrow(/iris@prod has no holder now \(iris#prod#9 left it unassigned\)/);
    expect(promotionEvent(none, { name: 'iris', alias: 'prod', version: '0.3.0', runId: 'r', cardSha256: 'x', by: 'me' })).toMatchObject({
      seq: 10,
      previous: null,
    });
  });
});
