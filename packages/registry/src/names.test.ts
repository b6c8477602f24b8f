import { describe, expect, it } from 'vitest';
import { aliasTag, assertAlias, nextVersion, parseAliasTag, parseModelRef, parseVersionTag, versionTag } from './names';
import { promotionEvent, rollbackEvent } from './history';
import { escapeMarkdown, parseSha256Sums, renderSha256Sums, assetNameFor } from './card';
import type { AliasEvent } from './types';

describe('names and tags', () => {
  it('bumps from the highest version, GTO tags round-trip, refs parse', () => {
    expect(nextVersion([])).toBe('0.1.0');
    expect(nextVersion(['0.9.0', '0.10.0', '0.2.5'])).toBe('0.11.0');
    expect(nextVersion(['1.2.3'], 'patch')).toBe('1.2.4');
    expect(nextVersion(['1.2.3'], 'major')).toBe('2.0.0');
    expect(versionTag('iris', 'v1.2.3')).toBe('iris@v1.2.3');
    expect(parseVersionTag('iris@v1.2.3')).toEqual({ name: 'iris', version: '1.2.3' });
    expect(parseVersionTag('iris@1.2.3')).toBeNull();
    expect(parseVersionTag('iris#champion#1')).toBeNull();
    expect(parseAliasTag(aliasTag('iris', 'champion', 12))).toEqual({ name: 'iris', alias: 'champion', seq: 12 });
    expect(parseAliasTag('iris#champion#0')).toBeNull();
    expect(parseModelRef('iris@v2.0.1')).toEqual({ name: 'iris', version: '2.0.1' });
    expect(parseModelRef('iris@challenger')).toEqual({ name: 'iris', alias: 'challenger' });
    expect(parseModelRef('iris')).toEqual({ name: 'iris', latest: true });
    expect(() => parseModelRef('iris@v2')).toThrow(/not a version/);
    expect(() => assertAlias('V7')).toThrow(/looks like a version/);
    expect(() => assertAlias('LATEST')).toThrow(/reserved/);
    expect(() => assertAlias('a b')).toThrow(/not a valid alias/);
    expect(assertAlias('champion_2-b')).toBe('champion_2-b');
  });

  it('rollback walks back through promotions and rollbacks alike', () => {
    const history: AliasEvent[] = [];
    const push = (e: AliasEvent) => (history.push(e), e);
    const promoteTo = (version: string) =>
      push(promotionEvent(history.at(-1) ?? null, { name: 'm', alias: 'champion', version, runId: version, cardSha256: version, by: 't' }));
    promoteTo('1.0.0');
    promoteTo('2.0.0');
    promoteTo('3.0.0');
    expect(push(rollbackEvent(history, 't'))).toMatchObject({ seq: 4, version: '2.0.0', previous: '3.0.0', basis: 1 });
    promoteTo('4.0.0'); // seq 5, basis 4 (holder 2.0.0)
    expect(push(rollbackEvent(history, 't'))).toMatchObject({ seq: 6, version: '2.0.0', previous: '4.0.0', basis: 1 });
    expect(push(rollbackEvent(history, 't'))).toMatchObject({ seq: 7, version: '1.0.0', basis: 0 });
    expect(() => rollbackEvent(history, 't')).toThrow(/no earlier holder/);
  });

  it('escapes hostile text, writes sha256sum format, flattens asset names uniquely', () => {
    const hostile = '<img src=x onerror=alert(1)> [link](http://e) @everyone |col| `x`';
    const out = escapeMarkdown(hostile);
    expect(out).not.toMatch(/[<>[\]()|`]/);
    expect(out).not.toContain('@everyone');
    const text = renderSha256Sums([
      { path: 'b', sha256: 'b'.repeat(64) },
      { path: 'a/x', sha256: 'a'.repeat(64) },
    ]);
    expect(text).toBe(`${'a'.repeat(64)}  a/x\n${'b'.repeat(64)}  b\n`);
    expect([...parseSha256Sums(text)]).toEqual([
      ['a/x', 'a'.repeat(64)],
      ['b', 'b'.repeat(64)],
    ]);
    const taken = new Set<string>();
    expect(['model/a.b', 'model.a/b', 'card.json', '../x'].map((p) => assetNameFor(p, taken))).toEqual([
      'model.a.b',
      'model.a.b.1',
      'card.json.1',
      'x',
    ]);
  });
});
