/**
 * Hostile inputs for `mlci validate`, `mlci infer-schema` and `mlci init` (issue #12 rows 7 part, 8, 9 and the
 * smaller data rows), each run through the real bin and judged on what a user sees.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectCleanRefusal, expectNoCrash, filesUnder, runMlci } from './harness';

const dir = mkdtempSync(join(tmpdir(), 'mlci-hostile-data-'));
const write = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const schema = write('ab.schema.json', JSON.stringify({ fields: [{ name: 'a', type: 'integer' }, { name: 'b' }] }));
// The bytes a case may print: a report and an error, never the data.
const SMALL_OUTPUT = 20_000;

async function mkfifo(path: string): Promise<void> {
  await new Promise((done, fail) =>
    spawn('mkfifo', [path]).on('close', (code) => (code === 0 ? done(undefined) : fail(new Error(`mkfifo ${code}`)))),
  );
}

describe('hostile data inputs', () => {
  // The 50 MB inputs are not left behind in the temp directory.
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const line50 = write('line50.csv', 'a'.repeat(50 * 1024 * 1024));

  it('a 50 MB single-line CSV is refused at the field limit in seconds, naming file:line with a hint, nothing echoed', async () => {
    const started = Date.now();
    const run = await runMlci(['validate', line50, '--schema', schema, '--json'], { ceilingMs: 30_000 });
    expectCleanRefusal(run, { exit: 2, names: [`${line50}:1:`, 'field longer than 1,048,576 characters', '--max-field-length'] });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.stdout).toBe('');
    expect(run.stderr.length).toBeLessThan(SMALL_OUTPUT);
  });

  it('with the limits raised, the 50 MB line is read linearly and its "column name" echoed truncated (text and --json)', async () => {
    const limits = ['--max-field-length', '100000000', '--max-record-length', '100000000'];
    for (const json of [false, true]) {
      const run = await runMlci(['validate', line50, '--schema', schema, ...limits, ...(json ? ['--json'] : [])], { ceilingMs: 60_000 });
      expectNoCrash(run);
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toContain('52,428,600 more characters');
      expect(run.stdout.length + run.stderr.length).toBeLessThan(SMALL_OUTPUT);
    }
    const inferred = await runMlci(['infer-schema', line50, '--max-field-length', '100'], { ceilingMs: 30_000 });
    expectCleanRefusal(inferred, { exit: 2, names: [`${line50}:1:`, 'field longer than 100 characters'] });
  });

  it('a 50 MB single-line JSON Lines file is refused at the line limit, naming file:line', async () => {
    const path = write('line50.jsonl', `{"a":"${'j'.repeat(50 * 1024 * 1024)}"}`);
    const run = await runMlci(['validate', path, '--schema', schema], { ceilingMs: 30_000 });
    expectCleanRefusal(run, { exit: 2, names: [`${path}:1:`, 'line longer than 16,777,216 characters', '--max-record-length'] });
    expect(run.stdout.length + run.stderr.length).toBeLessThan(SMALL_OUTPUT);
  });

  it('a FIFO with a writer is opened once and validated (it used to hang: opened twice)', async () => {
    const fifo = join(dir, 'pipe.csv');
    await mkfifo(fifo);
    const writer = spawn('sh', ['-c', `printf 'a,b\\n1,x\\n2,y\\n' > '${fifo}'`], { detached: true });
    const written = new Promise((done) => writer.on('close', done));
    const run = await runMlci(['validate', fifo, '--schema', schema, '--json'], { ceilingMs: 20_000 });
    if (run.timedOut) process.kill(-writer.pid!, 'SIGKILL');
    expectNoCrash(run);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'pass', rows: 2 });
    expect(await written).toBe(0);
  });

  it('stdin (-) is an input for validate and infer-schema; without --format it is refused with a hint', async () => {
    const csv = 'a,b\n1,x\n2,y\n';
    const run = await runMlci(['validate', '-', '--schema', schema, '--format', 'csv', '--json'], { input: csv, ceilingMs: 20_000 });
    expectNoCrash(run);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'pass', rows: 2, file: 'stdin' });
    const inferred = await runMlci(['infer-schema', '-', '--format', 'csv'], { input: csv, ceilingMs: 20_000 });
    expect(inferred.exitCode, inferred.stderr).toBe(0);
    expect(JSON.parse(inferred.stdout).fields.map((f: { name: string }) => f.name)).toEqual(['a', 'b']);
    expectCleanRefusal(await runMlci(['validate', '-', '--schema', schema], { input: csv, ceilingMs: 20_000 }), {
      exit: 2,
      names: ['stdin', '--format'],
    });
    const bad = await runMlci(['validate', '-', '--schema', schema, '--format', 'csv'], { input: 'a,b\n1\n', ceilingMs: 20_000 });
    expectCleanRefusal(bad, { exit: 2, names: ['stdin:2:', 'row has 1 field'] });
  });

  it('CR-only line endings are read as lines, not misdiagnosed as a missing column', async () => {
    const path = write('old-mac.csv', 'a,b\r1,x\r2,y\r');
    const run = await runMlci(['validate', path, '--schema', schema, '--json'], { ceilingMs: 20_000 });
    expectNoCrash(run);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'pass', rows: 2, columns: ['a', 'b'] });
  });

  it('a --row-schema that does not compile is named, not the Table Schema', async () => {
    const rows = write('rows.schema.json', JSON.stringify({ type: 'object', properties: { a: { type: 'no-such-type' } } }));
    const run = await runMlci(['validate', write('ok.csv', 'a,b\n1,x\n'), '--schema', schema, '--row-schema', rows], { ceilingMs: 20_000 });
    expectCleanRefusal(run, { exit: 2, names: [`${rows}: the row JSON Schema does not compile`] });
    expect(run.stderr).not.toContain(schema);
  });

  it('an unknown schema key is warned about, naming the schema file and key with a did-you-mean', async () => {
    const typo = write(
      'typo.schema.json',
      JSON.stringify({ fields: [{ name: 'a', type: 'integer', contraints: { maximum: 1 } }, { name: 'b' }] }),
    );
    const run = await runMlci(['validate', write('ok2.csv', 'a,b\n5,x\n'), '--schema', typo, '--json'], { ceilingMs: 20_000 });
    expectNoCrash(run);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain(`${typo}: fields[0]."contraints" is not a key mlci knows (ignored); did you mean "constraints"?`);
    expect(JSON.parse(run.stdout).tableChecks).toContainEqual(expect.objectContaining({ check: 'schema', outcome: 'warn' }));
  });

  it('a header name carrying a terminal escape sequence reaches stdout as text, not as an escape', async () => {
    const path = write('escape.csv', 'a,b\u001b]0;pwned\u0007\u001b[2J\n1,x\n');
    const run = await runMlci(['validate', path, '--schema', schema], { ceilingMs: 20_000 });
    expectNoCrash(run);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('columns');
    expect(run.stdout).not.toMatch(/\u001b/);
  });

  it('init stops on a bad data file and writes nothing (no partial schemas)', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'mlci-hostile-init-'));
    mkdirSync(join(repo, 'data'));
    writeFileSync(join(repo, 'data', 'a.csv'), 'x,target\n1,a\n2,b\n');
    writeFileSync(join(repo, 'data', 'b.csv'), 'x,y\n1\n');
    writeFileSync(join(repo, 'data', 'c.csv'), 'x,y\n1,2\n');
    const before = await filesUnder(repo);
    const run = await runMlci(['init', '--dir', repo], { ceilingMs: 30_000 });
    expectCleanRefusal(run, { exit: 2, names: [join(repo, 'data', 'b.csv') + ':2:'] });
    expect(await filesUnder(repo)).toEqual(before);
  });

  it('init skips a FIFO named like data instead of hanging on it', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'mlci-hostile-init-'));
    writeFileSync(join(repo, 'train.csv'), 'x,target\n1,a\n2,b\n');
    await mkfifo(join(repo, 'stream.csv'));
    const run = await runMlci(['init', '--dir', repo, '--json'], { ceilingMs: 30_000 });
    expectNoCrash(run);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).notes).toContain('stream.csv skipped: not a regular file');
    expect((await filesUnder(repo)).sort()).toEqual(['mlci.yml', 'schemas/train.schema.json', 'stream.csv', 'train.csv']);
  });

  it('init --dir naming a missing directory is a clean refusal naming it (exit 2)', async () => {
    const missing = join(dir, 'no-such-repo');
    const run = await runMlci(['init', '--dir', missing], { ceilingMs: 20_000 });
    expectCleanRefusal(run, { exit: 2, names: [`${missing}: the directory does not exist`] });
    expect(await filesUnder(missing)).toEqual([]);
  });
});
