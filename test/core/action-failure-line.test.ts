/**
 * A failed step says why in both runners: the `::error::` workflow command on stdout (a GitHub runner makes it
 * an annotation; nektos/act shows it only with --verbose) and one plain `mlci: error: …` line on stderr, which
 * act always shows.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAction } from '../harness/runner';

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('mlci: error: '));

describe('runAction failure output', () => {
  it('a missing required input: ::error:: on stdout and one plain line with the hint on stderr', async () => {
    const run = await runAction('data-schema-validate', { inputs: { schema: 'schema.json' } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/^::error::input "data" is required/m);
    expect(run.annotations.map((a) => a.level)).toContain('error');
    expect(errorLines(run.stderr)).toEqual(['mlci: error: input "data" is required (hint: add `data:` under `with:` in the step)']);
  });

  it('a bad input file: the plain line names the file, on one line, and the file annotation stays', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'mlci-fail-line-'));
    await writeFile(join(workspace, 'data.csv'), 'a,b\n1,2\n');
    await writeFile(join(workspace, 'schema.json'), '{"fields": [ oops');
    const run = await runAction('data-schema-validate', { workspace, inputs: { data: 'data.csv', schema: 'schema.json' } });
    expect(run.exitCode).toBe(1);
    const lines = errorLines(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mlci: error: schema\.json.*: .+/);
    expect(run.stdout).toMatch(/^::error[ :].*schema\.json/m);
  });
});
