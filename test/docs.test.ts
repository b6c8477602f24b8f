import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './harness/runner';

describe('action docs', () => {
  it('agree with every action.yml (regenerate with node scripts/gen-action-docs.mjs)', () => {
    expect(() =>
      execFileSync(process.execPath, [join(repoRoot, 'scripts/gen-action-docs.mjs'), '--check'], { stdio: 'pipe' }),
    ).not.toThrow();
  });

  it('document every input and output of the data-schema-validate action', () => {
    const doc = readFileSync(join(repoRoot, 'docs/actions/data-schema-validate.md'), 'utf8');
    for (const name of ['data', 'schema', 'max-annotations', 'outcome', 'result-file']) expect(doc).toContain(`| \`${name}\` |`);
  });
});
