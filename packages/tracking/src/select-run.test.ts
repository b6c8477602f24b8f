import { describe, expect, it } from 'vitest';
import type { ChildRun, RunRecord } from '@mlci/store';
import { applyRunSelection, parseRunSelector, selectOrFail } from './select-run';

const P = 'a'.repeat(32);
const C1 = 'b'.repeat(32);
const C2 = 'c'.repeat(32);
const point = (value: number) => [{ step: 0, value, timestamp: 1 }];

function record(): RunRecord {
  const child = (id: string, name: string, parent: string | undefined, acc: number): ChildRun => ({
    id,
    name,
    experiment: 'Default',
    status: 'FINISHED',
    startTime: 2,
    endTime: 3,
    params: { who: name },
    metrics: { acc: point(acc) },
    tags: { ...(parent ? { 'mlflow.parentRunId': parent } : {}), role: name },
    artifacts: [{ path: `${name}.txt`, sha256: '0'.repeat(64), size: 1 }],
  });
  return {
    schema: 1,
    id: P,
    name: 'prep',
    experiment: 'Default',
    status: 'FINISHED',
    startTime: 1,
    endTime: 9,
    exitCode: 0,
    command: ['python', 'train.py'],
    params: { who: 'prep' },
    metrics: { acc: point(0.1), 'system/cpu': point(50) },
    tags: { role: 'prep' },
    artifacts: [],
    lineage: { git: { commit: null, branch: null, dirty: null } as never, datasets: [], environment: {} as never },
    // "final" is a later top-level run; "inner" is nested under it.
    children: [child(C1, 'final', undefined, 0.9), child(C2, 'inner', C1, 0.5)],
  };
}

describe('parseRunSelector', () => {
  it('reads name=, tag:K=V and first; refuses anything else with a hint', () => {
    expect(parseRunSelector(undefined)).toBeUndefined();
    expect(parseRunSelector('first')).toBeUndefined();
    expect(parseRunSelector('name=final')).toEqual({ name: 'final' });
    expect(parseRunSelector('tag:mlci.role=a=b')).toEqual({ tag: { key: 'mlci.role', value: 'a=b' } });
    expect(() => parseRunSelector('best', 'select-run')).toThrow(/select-run "best" is not a run selector/);
  });
});

describe('applyRunSelection', () => {
  it('keeps the first top-level run by default and when it is the one selected', () => {
    const r = record();
    expect(applyRunSelection(r, undefined)).toBe(r);
    const same = applyRunSelection(r, { name: 'prep' });
    expect(same.metrics.acc[0].value).toBe(0.1);
    expect(same.tags['mlci.selectedRun']).toBe('name=prep');
  });

  it('puts the selected run in the record, swaps the two ids and keeps every parent link on the same data', () => {
    const s = applyRunSelection(record(), { tag: { key: 'role', value: 'final' } });
    expect(s.id).toBe(P);
    expect(s.name).toBe('final');
    expect(s.params).toEqual({ who: 'final' });
    expect(s.metrics.acc[0].value).toBe(0.9);
    // System metrics are the command's: they stay with the record.
    expect(s.metrics['system/cpu'][0].value).toBe(50);
    expect(s.artifacts.map((a) => a.path)).toEqual(['final.txt']);
    expect(s.tags['mlci.selectedRun']).toBe('tag:role=final');
    const byName = Object.fromEntries(s.children!.map((c) => [c.name, c]));
    expect(byName.prep.id).toBe(C1);
    expect(byName.prep.metrics).toEqual({ acc: point(0.1) });
    expect(byName.prep.tags['mlflow.parentRunId']).toBeUndefined();
    // "inner" was nested under "final", which now holds the record's id.
    expect(byName.inner.tags['mlflow.parentRunId']).toBe(P);
  });

  it("moves each run's inputs, outputs and deletion with it, and relabels logged models' run ids", () => {
    const r = record();
    r.inputs = [{ name: 'prep-data' } as never];
    r.children![0].outputs = [{ modelId: 'm-1', step: 0 }];
    r.children![0].deleted = true;
    r.loggedModels = [
      { id: 'm-1', sourceRunId: C1, metrics: [{ key: 'acc', value: 1, step: 0, timestamp: 1, runId: C1 }] } as never,
      { id: 'm-2', sourceRunId: P, metrics: [] } as never,
    ];
    const s = applyRunSelection(r, { name: 'final' });
    expect(s.inputs).toBeUndefined();
    expect(s.outputs).toEqual([{ modelId: 'm-1', step: 0 }]);
    expect(s.deleted).toBe(true);
    const prep = s.children!.find((c) => c.name === 'prep')!;
    expect(prep.inputs).toEqual([{ name: 'prep-data' }]);
    expect(prep.deleted).toBeUndefined();
    expect(s.loggedModels!.map((m) => m.sourceRunId)).toEqual([P, C1]);
    expect(s.loggedModels![0].metrics[0].runId).toBe(P);
  });

  it('moves a selected nested run to the top level and says where it came from', () => {
    const s = applyRunSelection(record(), { name: 'inner' });
    expect(s.name).toBe('inner');
    expect(s.tags['mlflow.parentRunId']).toBeUndefined();
    expect(s.tags['mlci.selectedRun.parent']).toBe(C1);
    expect(s.children!.find((c) => c.name === 'prep')!.id).toBe(C2);
  });

  it('fails the run when the selector matches no run or several', () => {
    const none = selectOrFail(record(), { name: 'missing' });
    expect(none.record.status).toBe('FAILED');
    expect(none.record.tags['mlci.error']).toMatch(/select-run name=missing matched none of the 3 runs .*"prep", "final", "inner"/);
    expect(none.problem?.hint).toMatch(/run_name/);
    const r = record();
    r.children![1].name = 'final';
    const two = selectOrFail(r, { name: 'final' });
    expect(two.record.status).toBe('FAILED');
    expect(two.record.tags['mlci.error']).toMatch(/matched 2 runs/);
    expect(two.record.metrics.acc[0].value).toBe(0.1);
  });
});
