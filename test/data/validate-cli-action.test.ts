import { mkdtempSync, writeFileSync, readFileSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../harness/cli';
import { repoRoot, runAction } from '../harness/runner';

const iris = join(repoRoot, 'examples/iris');
const dir = mkdtempSync(join(tmpdir(), 'mlci-validate-e2e-'));
const header = 'id,sepal_length,sepal_width,petal_length,petal_width,species';

function badIris(extraRows: number): string {
  const rows = [header, '1,5.1,3.5,1.4,0.2,setosa', '2,"9.5",3.0,1.4,0.2,setosa', '3,5.0,3.1,1.5,0.2,"rose\nred"'];
  for (let i = 0; i < extraRows; i++) rows.push(`${4 + i},5.0,x,1.5,0.2,setosa`);
  const path = join(dir, `bad-${extraRows}.csv`);
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

describe('mlci validate', () => {
  it('passes the bundled example with exit 0 and prints only JSON with --json', async () => {
    const run = await runCli(['validate', join(iris, 'data/train.csv'), '--schema', join(iris, 'schema.json'), '--json']);
    expect(run.exitCode).toBe(0);
    const result = jsonOf(run);
    expect(result).toMatchObject({ outcome: 'pass', rows: 105, violations: [] });
  });

  it('fails with exit 1 and reports row, line, field, constraint and value', async () => {
    const run = await runCli(['validate', badIris(0), '--schema', join(iris, 'schema.json'), '--json']);
    expect(run.exitCode).toBe(1);
    const result = jsonOf(run);
    expect(result.outcome).toBe('fail');
    expect(result.violations).toEqual([
      expect.objectContaining({ row: 2, line: 3, field: 'sepal_length', constraint: 'maximum', value: '9.5' }),
      expect.objectContaining({ row: 3, line: 4, field: 'species', constraint: 'enum', value: 'rose\nred' }),
    ]);
    expect(result.totals.byField).toEqual({ sepal_length: { maximum: 1 }, species: { enum: 1 } });
  });

  it('exits 2 with a message naming the file and line for malformed CSV, and no stack trace', async () => {
    const path = join(dir, 'ragged.csv');
    writeFileSync(path, `${header}\n1,5.1,3.5\n`);
    const run = await runCli(['validate', path, '--schema', join(iris, 'schema.json'), '--json']);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${path}:2: row has 3 fields, the header has 6`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 for a schema that is not JSON, naming its line', async () => {
    const schema = join(dir, 'broken.json');
    writeFileSync(schema, '{\n "fields": [\n  {"name": "id",}\n ]\n}\n');
    const run = await runCli(['validate', join(iris, 'data/train.csv'), '--schema', schema]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`${schema}:3: the schema is not valid JSON`);
  });

  it('exits 2 on an empty file and on usage errors', async () => {
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    const run = await runCli(['validate', empty, '--schema', join(iris, 'schema.json')]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('empty');
    expect((await runCli(['validate', empty])).exitCode).toBe(2);
    expect((await runCli(['validate', empty, '--schema', 'x', '--sample', 'many'])).stderr).toContain('--sample must be a number');
  });

  it('infer-schema writes a schema the data passes', async () => {
    const out = join(dir, 'inferred.json');
    const infer = await runCli(['infer-schema', join(iris, 'data/train.csv'), '--out', out]);
    expect(infer.exitCode).toBe(0);
    expect(existsSync(out)).toBe(true);
    const schema = JSON.parse(readFileSync(out, 'utf8'));
    expect(schema.fields.find((f: { name: string }) => f.name === 'species').constraints.enum).toEqual(['setosa', 'versicolor', 'virginica']);
    const run = await runCli(['validate', join(iris, 'data/train.csv'), '--schema', out]);
    expect(run.exitCode).toBe(0);
  });
});

describe('data-schema-validate action', () => {
  it('annotates offending lines up to the limit, summarises the rest, sets outputs and fails the step', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlci-ws-'));
    copyFileSync(badIris(12), join(workspace, 'data.csv'));
    copyFileSync(join(iris, 'schema.json'), join(workspace, 'schema.json'));
    const run = await runAction('data-schema-validate', { workspace, inputs: { data: 'data.csv', schema: 'schema.json', 'max-annotations': '10' } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ outcome: 'fail', rows: '15', violations: '14' });
    const errors = run.annotations.filter((a) => a.level === 'error' && a.properties.file === 'data.csv');
    expect(errors).toHaveLength(10);
    expect(errors[0].properties.line).toBe('3');
    expect(errors[1].properties.line).toBe('4');
    expect(run.summary).toContain('Data validation');
    expect(run.summary).toContain('4 not annotated');
    // The value "rose\nred" came from the data: escaped, on one line, no raw HTML.
    expect(run.summary).not.toContain('rose\nred');
    const result = JSON.parse(readFileSync(run.outputs['result-file'], 'utf8'));
    expect(result.totals.total).toBe(14);
  });

  it('passes the bundled example and only warns when fail-on-violation is false', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlci-ws-'));
    copyFileSync(join(iris, 'data/train.csv'), join(workspace, 'train.csv'));
    copyFileSync(join(iris, 'schema.json'), join(workspace, 'schema.json'));
    const ok = await runAction('data-schema-validate', { workspace, inputs: { data: 'train.csv', schema: 'schema.json' } });
    expect(ok.exitCode).toBe(0);
    expect(ok.outputs.outcome).toBe('pass');
    copyFileSync(badIris(0), join(workspace, 'bad.csv'));
    const warn = await runAction('data-schema-validate', { workspace, inputs: { data: 'bad.csv', schema: 'schema.json', 'fail-on-violation': 'false' } });
    expect(warn.exitCode).toBe(0);
    expect(warn.annotations.some((a) => a.level === 'warning')).toBe(true);
  });

  it('fails with a message naming the missing input', async () => {
    const run = await runAction('data-schema-validate', { inputs: { schema: 'schema.json' } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('input "data" is required');
  });
});
