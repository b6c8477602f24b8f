/**
 * Drift inputs that used to end as "ok" or PASS without measuring anything (issue #12 row 11): no shared column,
 * a current column with no usable value, a constant reference, a column whose type changed; and the drift
 * settings parser's refusals, each naming the key and its line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import { driftSection } from '@mlci/report';
import {
  checkDrift,
  comparedColumns,
  driftText,
  jensenShannon,
  loadDriftConfig,
  mergeSummaries,
  parseDriftConfig,
  summarizeTable,
} from '@mlci/stats';

const dir = mkdtempSync(join(tmpdir(), 'mlci-drift-degenerate-'));
const csv = (name: string, header: string, n: number, row: (i: number) => string) => {
  const path = join(dir, name);
  writeFileSync(path, `${header}\n${Array.from({ length: n }, (_, i) => row(i)).join('\n')}\n`);
  return path;
};
const column = (result: { columns: Array<{ column: string }> }, name: string) => result.columns.find((c) => c.column === name) as any;

describe('drift that cannot be measured is never a silent pass', () => {
  it('refuses two tables with no column in common (input error listing both sets)', async () => {
    const ref = csv('a.csv', 'x,c', 10, (i) => `${i},a`);
    const cur = csv('b.csv', 'y,z', 10, (i) => `${i},b`);
    const error = await checkDrift({ data: cur, reference: ref }).catch((e) => e);
    expect(error).toBeInstanceOf(MlciError);
    expect(error.kind).toBe('input');
    expect(error.location.file).toBe(cur);
    expect(error.hint).toContain('reference columns: "x", "c"; current columns: "y", "z"');
    // Every shared column ignored is a usage error, not "0 of 0 drifted".
    const same = csv('c.csv', 'x,c', 10, (i) => `${i},a`);
    await expect(checkDrift({ data: same, reference: ref, options: { ignore: ['x', 'c'] } })).rejects.toMatchObject({ kind: 'usage' });
    // A column named like an Object member is not "shared" by accident.
    const proto = csv('p.csv', 'constructor', 3, (i) => `${i}`);
    await expect(checkDrift({ data: proto, reference: ref })).rejects.toThrow(/no column in common/);
  });

  it('marks a current column of NaN or empty cells as drifted with its reason; an empty table stays "not compared"', async () => {
    const ref = csv('r1.csv', 'm,e,k', 100, (i) => `${i % 17},${i % 3},${i % 4}`);
    const cur = csv('c1.csv', 'm,e,k', 100, (i) => `${i % 2 ? 'NaN' : 'inf'},,${i % 4}`);
    const result = await checkDrift({ data: cur, reference: ref });
    expect(column(result, 'm')).toMatchObject({
      drifted: true,
      test: 'none',
      reason: 'all values missing in current (100 NaN/infinite of 100 rows)',
    });
    expect(column(result, 'e')).toMatchObject({ drifted: true, reason: 'all values missing in current (100 empty of 100 rows)' });
    expect(column(result, 'k').drifted).toBe(false);
    expect(comparedColumns(result)).toHaveLength(3);
    expect(result.outcome).toBe('fail'); // 2 of 3 drifted ≥ 0.5
    expect(driftText(result)).toContain('all values missing in current');
    // The PR report counts and explains them the same way.
    const section = driftSection(result);
    expect(section.headline).toMatch(/^2 of 3 columns drifted/);
    expect(section.body).toMatch(/\| none: all values missing in current/);
    // The reverse: a reference column with no value, now filled.
    const back = await checkDrift({ data: ref, reference: cur });
    expect(column(back, 'm')).toMatchObject({ drifted: true, reason: expect.stringContaining('all values missing in the reference') });
    const header = csv('h.csv', 'm,e,k', 0, () => '');
    expect(column(await checkDrift({ data: header, reference: ref }), 'm')).toMatchObject({ drifted: false, test: 'none' });
  });

  it('decides a constant reference by Jensen–Shannon over below / equal / above the constant', async () => {
    const ref = csv('r2.csv', 'k', 300, () => '5');
    const spread = csv('c2.csv', 'k', 300, (i) => `${(i % 100) / 10}`);
    const result = await checkDrift({ data: spread, reference: ref });
    const k = column(result, 'k');
    expect(k).toMatchObject({
      kind: 'numeric',
      test: 'jensen_shannon',
      drifted: true,
      reason: expect.stringContaining('reference is constant (5)'),
    });
    expect(k.histogram.labels).toEqual(['< 5', '= 5', '> 5']);
    expect(k.histogram.current).toEqual([0.5, 0.01, 0.49]);
    expect(k.jensenShannon).toBeCloseTo(jensenShannon([0, 300, 0], [150, 3, 147]), 10);
    // One value in a hundred off the constant is not drift (few values on both sides: compared as categories,
    // where a single category is handled explicitly); the same file is distance 0.
    const nearly = csv('c3.csv', 'k', 300, (i) => (i % 100 === 0 ? '6' : '5'));
    expect(column(await checkDrift({ data: nearly, reference: ref }), 'k')).toMatchObject({ drifted: false, test: 'chi_square' });
    const rare = csv('c3b.csv', 'k', 300, (i) => (i % 100 === 0 ? `${6 + i / 100}.5` : i % 7 === 0 ? `5.${i}` : '5'));
    expect(column(await checkDrift({ data: rare, reference: ref }), 'k')).toMatchObject({ test: 'jensen_shannon', drifted: true });
    expect(column(await checkDrift({ data: ref, reference: ref }), 'k')).toMatchObject({ drifted: false, jensenShannon: 0, psi: 0 });
    // An explicit test in the settings is honoured (with the reason still shown for the others).
    const ks = await checkDrift({ data: spread, reference: ref, options: { perColumn: { k: { test: 'ks' } } } });
    expect(column(ks, 'k')).toMatchObject({ test: 'ks', drifted: true });
    // A few-valued reference (a flag) against a current with many values is compared as numbers, not lost.
    const flag = csv('r4.csv', 'k', 300, (i) => `${i % 2}`);
    const f = column(await checkDrift({ data: spread, reference: flag }), 'k');
    expect(f).toMatchObject({ kind: 'numeric', drifted: true });
  });

  it('reports a numeric column that became text as a type change', async () => {
    const ref = csv('r5.csv', 'v', 100, (i) => `${i * 1.5}`);
    const cur = csv('c5.csv', 'v', 100, (i) => `level-${i % 3}`);
    expect(column(await checkDrift({ data: cur, reference: ref }), 'v')).toMatchObject({
      drifted: true,
      reason: 'type changed: numbers in the reference, text in the current data',
    });
  });

  it('merges a shard whose column is all NaN with one that has numbers', async () => {
    const a = await summarizeTable(csv('s1.csv', 'v', 10, () => 'NaN'));
    const b = await summarizeTable(csv('s2.csv', 'v', 30, (i) => `${i * 0.7}`));
    const merged = mergeSummaries([a, b]);
    expect(merged.columns.v).toMatchObject({ kind: 'numeric', count: 30, nonFinite: 10 });
    expect(mergeSummaries([b, a]).columns.v).toMatchObject({ kind: 'numeric', count: 30, nonFinite: 10 });
  });
});

describe('drift settings', () => {
  it('refuse unknown keys and malformed values, naming the key and the line', async () => {
    const file = join(dir, 'drift.yml');
    writeFileSync(file, 'driftShare: 0.5\ncolumns:\n  age:\n    test: psi\n    threshhold: 0.2\n');
    await expect(loadDriftConfig(file)).rejects.toMatchObject({
      message: 'columns.age.threshhold: unknown drift setting "threshhold"',
      location: { file, line: 5 },
    });
    writeFileSync(file, 'columns: [age]\n');
    await expect(loadDriftConfig(file)).rejects.toMatchObject({
      message: expect.stringContaining('columns must be a mapping'),
      location: { line: 1 },
    });
    writeFileSync(file, 'columns:\n  age: null\n');
    await expect(loadDriftConfig(file)).rejects.toMatchObject({ location: { line: 2 } });
    expect(() => parseDriftConfig({ target: { column: 'y', range: [2, 1] } })).toThrow(/target.range/);
    expect(() => parseDriftConfig({ driftShare: Number.NaN })).toThrow(/driftShare must be a number from 0 to 1/);
    expect(
      parseDriftConfig({ driftShare: 0.3, columns: { a: { test: 'psi', threshold: 0.2 } }, target: { column: 'y', range: [0, 1] } }),
    ).toEqual({
      driftShare: 0.3,
      perColumn: { a: { test: 'psi', threshold: 0.2 } },
      target: { column: 'y', range: [0, 1] },
    });
  });
});
