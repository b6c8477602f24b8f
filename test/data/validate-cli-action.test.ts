import { mkdtempSync, writeFileSync, readFileSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
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

  /** Runs validate on a file written from `content`, expecting exit 2 with `file:line:` and no stack trace. */
  async function unusable(name: string, content: string | Buffer, line: number) {
    const path = join(dir, name);
    writeFileSync(path, content);
    const run = await runCli(['validate', path, '--schema', join(iris, 'schema.json'), '--json']);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${path}:${line}: `);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    return run.stderr;
  }

  it('exits 2 naming file and line for invalid UTF-8, an unterminated quote, bad JSON Lines and a wrong delimiter', async () => {
    const latin1 = Buffer.concat([
      Buffer.from(`${header}\n1,5.1,3.5,1.4,0.2,setosa\n2,5.1,3.5,1.4,0.2,`),
      Buffer.from([0xe9, 0x74, 0xe9]),
      Buffer.from('\n'),
    ]);
    expect(await unusable('latin1.csv', latin1, 3)).toContain('invalid UTF-8');
    expect(await unusable('open-quote.csv', `${header}\n1,5.1,3.5,1.4,0.2,setosa\n2,5.1,3.5,1.4,0.2,"seto\nsa\n`, 3)).toContain(
      'unterminated quoted field',
    );
    expect(await unusable('bad.jsonl', '{"id": 1, "species": "setosa"}\n{"id": 2, "species": \n', 2)).toContain('not valid JSON');
    const semicolons = await unusable('semicolons.csv', `${header.replaceAll(',', ';')}\n1;5.1;3.5;1.4;0.2;setosa\n`, 1);
    expect(semicolons).toContain("--delimiter ';'");
    const fixed = await runCli([
      'validate',
      join(dir, 'semicolons.csv'),
      '--schema',
      join(iris, 'schema.json'),
      '--delimiter',
      ';',
      '--json',
    ]);
    expect(fixed.exitCode).toBe(0);
    expect(jsonOf(fixed).rows).toBe(1);
  });

  it('exits 2 naming the property of a schema that is not a Table Schema, and a missing data file', async () => {
    const schema = join(dir, 'not-table-schema.json');
    writeFileSync(schema, JSON.stringify({ fields: [{ name: 'id', type: 'float' }] }));
    writeFileSync(join(dir, 'ok.csv'), `${header}\n1,5.1,3.5,1.4,0.2,setosa\n`);
    const run = await runCli(['validate', join(dir, 'ok.csv'), '--schema', schema, '--json']);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${schema}: not a valid Table Schema: fields[0].type "float" is not one of`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const missing = await runCli(['validate', join(dir, 'nowhere.csv'), '--schema', join(iris, 'schema.json')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain(join(dir, 'nowhere.csv'));
    expect(missing.stderr).toContain('file not found');
  });

  it('exits 1 for NaN and infinity in a numeric column, naming the constraint and the value', async () => {
    const path = join(dir, 'nan.csv');
    writeFileSync(path, `${header}\n1,NaN,3.5,1.4,0.2,setosa\n2,5.1,-Infinity,1.4,0.2,setosa\n`);
    const run = await runCli(['validate', path, '--schema', join(iris, 'schema.json'), '--json']);
    expect(run.exitCode).toBe(1);
    expect(
      jsonOf(run).violations.map((v: { line: number; field: string; constraint: string; value: string }) => [
        v.line,
        v.field,
        v.constraint,
        v.value,
      ]),
    ).toEqual([
      [2, 'sepal_length', 'finite', 'NaN'],
      [3, 'sepal_width', 'finite', '-Infinity'],
      [3, 'sepal_width', 'minimum', '-Infinity'],
    ]);
  });

  it('passes a header-only file with exit 0 and says it has no rows', async () => {
    const path = join(dir, 'header-only.csv');
    writeFileSync(path, `${header}\n`);
    const run = await runCli(['validate', path, '--schema', join(iris, 'schema.json')]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('0 rows');
    expect(run.stdout).toContain('no data rows');
  });

  it('infer-schema writes a schema the data passes', async () => {
    const out = join(dir, 'inferred.json');
    const infer = await runCli(['infer-schema', join(iris, 'data/train.csv'), '--out', out]);
    expect(infer.exitCode).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(infer.stderr).toContain('inferred from all 105 rows');
    const sampled = await runCli(['infer-schema', join(iris, 'data/train.csv'), '--sample-rows', '40']);
    expect(sampled.stderr).toContain('inferred 6 fields from the first 40 rows (the file has more; --sample-rows N reads more)');
    const schema = JSON.parse(readFileSync(out, 'utf8'));
    expect(schema.fields.find((f: { name: string }) => f.name === 'species').constraints.enum).toEqual([
      'setosa',
      'versicolor',
      'virginica',
    ]);
    const run = await runCli(['validate', join(iris, 'data/train.csv'), '--schema', out]);
    expect(run.exitCode).toBe(0);
  });
});

describe('data-schema-validate action', () => {
  it('annotates offending lines up to the limit, summarises the rest, sets outputs and fails the step', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlci-ws-'));
    copyFileSync(badIris(12), join(workspace, 'data.csv'));
    copyFileSync(join(iris, 'schema.json'), join(workspace, 'schema.json'));
    const run = await runAction('data-schema-validate', {
      workspace,
      inputs: { data: 'data.csv', schema: 'schema.json', 'max-annotations': '10' },
    });
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

  it('escapes values from the data in the summary: no table cell, link, tag, code span or mention escapes', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlci-ws-'));
    const evil = '"a|b <img src=x> `code` [link](https://evil.example) @octocat\nnext"';
    writeFileSync(join(workspace, 'data.csv'), `${header}\n1,5.1,3.5,1.4,0.2,${evil}\n`);
    copyFileSync(join(iris, 'schema.json'), join(workspace, 'schema.json'));
    const run = await runAction('data-schema-validate', { workspace, inputs: { data: 'data.csv', schema: 'schema.json' } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ outcome: 'fail', rows: '1', violations: '1' });
    for (const raw of ['a|b', '<img', '`code`', '[link]', '](https', '@octocat', 'octocat\nnext']) expect(run.summary).not.toContain(raw);
    // Every table row of the summary still has its five cells.
    const violationRow = run.summary.split('\n').find((l) => l.startsWith('| 2 |'));
    expect(violationRow?.split(' | ')).toHaveLength(5);
    expect(run.annotations.find((a) => a.level === 'error')?.properties).toMatchObject({ file: 'data.csv', line: '2' });
  });

  it('validates Parquet and annotates the file without a line (Parquet has none)', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlci-ws-'));
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Int32Array.from([1, 2, 3]), type: 'INT32' },
        { name: 'species', data: ['setosa', 'rose', 'virginica'], type: 'STRING' },
      ],
    });
    writeFileSync(join(workspace, 'data.parquet'), new Uint8Array(buffer));
    writeFileSync(
      join(workspace, 'schema.json'),
      JSON.stringify({
        fields: [
          { name: 'id', type: 'integer' },
          { name: 'species', constraints: { enum: ['setosa', 'virginica'] } },
        ],
      }),
    );
    const run = await runAction('data-schema-validate', { workspace, inputs: { data: 'data.parquet', schema: 'schema.json' } });
    expect(run.outputs).toMatchObject({ outcome: 'fail', rows: '3', violations: '1' });
    const error = run.annotations.find((a) => a.level === 'error' && a.properties.file === 'data.parquet');
    expect(error?.message).toContain('row 2, species');
    expect(error?.properties.line).toBeUndefined();
  });

  it('writes its result to $RUNNER_TEMP/mlci/results/validate.json', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlci-ws-'));
    copyFileSync(join(iris, 'data/train.csv'), join(workspace, 'train.csv'));
    copyFileSync(join(iris, 'schema.json'), join(workspace, 'schema.json'));
    const run = await runAction('data-schema-validate', { workspace, inputs: { data: 'train.csv', schema: 'schema.json' } });
    expect(run.outputs['result-file']).toMatch(/[\\/]mlci[\\/]results[\\/]validate\.json$/);
    expect(JSON.parse(readFileSync(run.outputs['result-file'], 'utf8'))).toMatchObject({ outcome: 'pass', rows: 105, format: 'csv' });
  });

  it('passes the bundled example and only warns when fail-on-violation is false', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlci-ws-'));
    copyFileSync(join(iris, 'data/train.csv'), join(workspace, 'train.csv'));
    copyFileSync(join(iris, 'schema.json'), join(workspace, 'schema.json'));
    const ok = await runAction('data-schema-validate', { workspace, inputs: { data: 'train.csv', schema: 'schema.json' } });
    expect(ok.exitCode).toBe(0);
    expect(ok.outputs.outcome).toBe('pass');
    copyFileSync(badIris(0), join(workspace, 'bad.csv'));
    const warn = await runAction('data-schema-validate', {
      workspace,
      inputs: { data: 'bad.csv', schema: 'schema.json', 'fail-on-violation': 'false' },
    });
    expect(warn.exitCode).toBe(0);
    expect(warn.annotations.some((a) => a.level === 'warning')).toBe(true);
  });

  it('fails with a message naming the missing input', async () => {
    const run = await runAction('data-schema-validate', { inputs: { schema: 'schema.json' } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('input "data" is required');
  });
});
