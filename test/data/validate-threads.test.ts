/**
 * `mlci validate` on worker threads, through the built bundle (dist/workers/validate.js; MLCI_DIST for a private
 * build): the file cut into parts (MLCI_VALIDATE_PARTS forces cuts on a small file), parts checked on two
 * threads, and the result identical to one pass on one thread: rows, physical lines across quoted line
 * breaks, repeats across parts with their first row, the first error in file order.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../harness/cli';
import { distDir } from '../harness/runner';

const dir = mkdtempSync(join(tmpdir(), 'mlci-validate-threads-'));
const schema = join(dir, 'schema.json');
writeFileSync(
  schema,
  JSON.stringify({
    fields: [
      { name: 'id', type: 'integer', constraints: { required: true, unique: true } },
      { name: 'note', type: 'string', constraints: { maxLength: 40 } },
      { name: 'x', type: 'number', constraints: { minimum: 0 } },
      { name: 'kind', type: 'string', constraints: { enum: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'] } },
    ],
  }),
);

/** 6,000 rows; every 4th note spans three lines; ids repeat from far back; some values break constraints. */
function csv(extra = ''): string {
  // id: i, except every 250th row from i = 4,000 on, which repeats the id of row i − 4,000 + 1.
  const rows = ['id,note,x,kind'];
  for (let i = 0; i < 6000; i++) {
    const id = i % 250 === 249 && i >= 4000 ? i - 4000 : i;
    const note = i % 4 === 0 ? `"first ${i}\nsecond, ""quoted""\nthird"` : `note ${i}`;
    rows.push(`${id},${note},${i % 333 === 5 ? -i : i / 7},${i % 501 === 7 ? 'zz' : 'abcdefghijkl'[i % 12]}`);
    if (i === 4321 && extra) rows.push(extra);
  }
  return rows.join('\n') + '\n';
}

const workerBundle = join(distDir, 'workers', 'validate.js');
const threaded = { MLCI_THREADS: '2', MLCI_VALIDATE_PARTS: '5', MLCI_DEBUG: '1' };

describe('mlci validate on worker threads (the bundle)', () => {
  it('the bundle has the worker entry', () => {
    expect(existsSync(workerBundle), workerBundle).toBe(true);
  });

  it('gives the one-thread result: violations, lines, repeats across parts, totals', async () => {
    const data = join(dir, 'data.csv');
    writeFileSync(data, csv());
    const args = ['validate', data, '--schema', schema, '--json', '--sample', '1000'];
    const one = await runCli(args, { env: { MLCI_THREADS: '1' } });
    const two = await runCli(args, { env: threaded });
    expect(one.exitCode).toBe(1);
    expect(two.exitCode).toBe(1);
    // The debug line says the parts ran on worker threads (not one after another on the main thread).
    expect(two.stderr).toMatch(/in 5 parts, 4 on worker threads; \d+ cuts? moved/);
    const a = jsonOf(one);
    const b = jsonOf(two);
    expect({ ...b, durationMs: 0 }).toEqual({ ...a, durationMs: 0 });
    // From i = 4,000 on, every 250th row repeats the id of row i − 4,000 + 1, thousands of rows (and parts) back.
    expect(a.totals.byField.id.unique).toBe(8);
    const repeat = a.violations.find((v: { constraint: string }) => v.constraint === 'unique');
    // i = 4,249 repeats id 249 (row 250): 62 three-line notes before it (i = 0, 4, …, 248), so line 1 + 250 + 2 × 63.
    expect(repeat).toMatchObject({
      row: 4250,
      value: '249',
      message: `"249" appears more than once: same as row 250, line ${1 + 250 + 2 * 63}`,
    });
    const enumViolation = a.violations.find((v: { constraint: string }) => v.constraint === 'enum');
    expect(enumViolation.message).toBe('"zz" is not one of the allowed values "a", "b", "c", "d", "e", "f", "g", "h", "i", "j" and 2 more');
  }, 120_000);

  it('throws the first error in file order with its physical line, as one thread does', async () => {
    const data = join(dir, 'ragged.csv');
    writeFileSync(data, csv('1,2'));
    const args = ['validate', data, '--schema', schema];
    const one = await runCli(args, { env: { MLCI_THREADS: '1' } });
    const two = await runCli(args, { env: threaded });
    expect(one.exitCode).toBe(2);
    expect(two.exitCode).toBe(2);
    const error = (run: { stderr: string }) => run.stderr.split('\n').filter((l) => !l.startsWith('validated'));
    expect(error(two)).toEqual(error(one));
    // Row 4,322 follows 1,081 three-line notes before it: its physical line is 4,322 + 1 + 2 × 1,081 + 1.
    expect(one.stderr).toContain(`ragged.csv:${4322 + 1 + 2 * 1081 + 1}: row has 2 fields, the header has 4`);
  }, 120_000);
});
