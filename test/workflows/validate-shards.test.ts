/**
 * workflows-examples/validate-shards.yml end to end against the emulator: a directory of Parquet parts, one
 * matrix job per part writing a shard result (uploaded through the emulator's artifact service), one merge job
 * giving the verdict: violations across all parts annotated on their own part files, a repeat across parts
 * named by part and row, table checks over all rows; a clean dataset passes.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../github-emulator/index';
import { explain, removeWorkflowDirs, runWorkflow } from './host-runner';
import { callsBeyond } from './permissions';

const WORKFLOW = 'workflows-examples/validate-shards.yml';
let gh: Emulator;

/** A project with data/schema.json and three Parquet parts of 400 rows; `bad` plants violations. */
function project(bad: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlci-shards-project-'));
  mkdirSync(join(dir, 'data/parts'), { recursive: true });
  writeFileSync(
    join(dir, 'data/schema.json'),
    JSON.stringify({
      fields: [
        { name: 'id', type: 'integer', constraints: { required: true, unique: true } },
        { name: 'score', type: 'number', constraints: { minimum: 0, maximum: 1 } },
        { name: 'segment', type: 'string', constraints: { enum: ['retail', 'business'] } },
      ],
      mlci: { minRows: 1000 },
    }),
  );
  for (let k = 0; k < 3; k++) {
    const n = 400;
    const id = Array.from({ length: n }, (_, i) => BigInt(bad && k === 2 && i === 7 ? 123 : k * n + i));
    const score = Array.from({ length: n }, (_, i) => (bad && k === 1 && i === 9 ? 1.5 : (i % 100) / 100));
    const segment = Array.from({ length: n }, (_, i) => (bad && k === 0 && i === 3 ? 'other' : i % 2 ? 'retail' : 'business'));
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: id, type: 'INT64' },
        { name: 'score', data: score, type: 'DOUBLE' },
        { name: 'segment', data: segment, type: 'STRING' },
      ],
      rowGroupSize: 100,
    });
    writeFileSync(join(dir, `data/parts/part-${k}.parquet`), new Uint8Array(buffer));
  }
  return dir;
}

beforeAll(async () => {
  gh = await startEmulator();
});
afterAll(async () => {
  await gh?.stop();
  removeWorkflowDirs();
});

describe('validate-shards.yml', () => {
  it('validates each part in its own job and fails once, in the merge job, with every violation on its part', async () => {
    const from = gh.requests.length;
    const run = await runWorkflow({ workflow: WORKFLOW, projectDir: project(true), emulator: gh, event: 'workflow_dispatch' });
    expect(run.jobs.map((j) => [j.name, j.conclusion])).toEqual([
      ['parts', 'success'],
      ['validate (part-0.parquet)', 'success'],
      ['validate (part-1.parquet)', 'success'],
      ['validate (part-2.parquet)', 'success'],
      ['verdict', 'failure'],
    ]);
    // The shard jobs judge nothing: no error annotation there.
    for (const job of run.jobs.filter((j) => j.id === 'validate'))
      expect(
        job.steps.flatMap((s) => s.annotations).filter((a) => a.level === 'error'),
        explain(run),
      ).toEqual([]);
    const merge = run.job('verdict').steps.find((s) => s.id === 'merge')!;
    expect(merge.outputs).toMatchObject({ outcome: 'fail', rows: '1200', violations: '3' });
    const errors = merge.annotations.filter((a) => a.level === 'error');
    expect(errors.map((a) => [a.properties.file, a.message])).toEqual([
      ['data/parts/part-0.parquet', 'row 4, segment: "other" is not one of the allowed values "retail", "business" [enum]'],
      ['data/parts/part-1.parquet', 'row 10, score: 1.5 is above the maximum 1 [maximum]'],
      ['data/parts/part-2.parquet', 'row 8, id: 123 appears more than once: same as row 124 of data/parts/part-0.parquet [unique]'],
      [undefined, '3 violation(s) in data/parts/ (3 files); see the annotations and the job summary'],
    ]);
    // One section (values from the data are HTML-escaped in it).
    expect(run.job('verdict').summary).toContain('Data validation: data/parts/ &#40;3 files&#41;&#58; 3 violations in 3 fields');
    expect(run.job('verdict').summary).toContain('| data/parts/part&#45;1.parquet | 10 | 10 | score | maximum |');
    expect(run.job('verdict').summary).toContain('| file | line | row | field | constraint | detail |');
    expect(callsBeyond(gh, from, run.job('verdict').permissions)).toEqual([]);
  }, 240_000);

  it('passes a clean dataset in the merge job, with the rows of all parts', async () => {
    const run = await runWorkflow({ workflow: WORKFLOW, projectDir: project(false), emulator: gh, event: 'workflow_dispatch' });
    expect(run.conclusion, explain(run)).toBe('success');
    expect(run.job('verdict').outputs).toEqual({ outcome: 'pass' });
    expect(run.job('verdict').steps.find((s) => s.id === 'merge')!.outputs).toMatchObject({ rows: '1200', violations: '0' });
  }, 240_000);
});
