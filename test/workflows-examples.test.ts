import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './harness/runner';

const dir = join(repoRoot, 'workflows-examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

/** The action.yml an mlci `uses:` names, or null for a third-party action. */
function mlciAction(uses: string): string | null {
  const match = /^mlci-dev\/mlci(?:\/(actions\/[^@]+))?@/.exec(uses);
  if (!match) return null;
  return join(repoRoot, match[1] ?? '', 'action.yml');
}

describe.each(files)('workflows-examples/%s', (file) => {
  const text = readFileSync(join(dir, file), 'utf8');
  const workflow = parse(text);

  it('opens with a short explanation', () => {
    expect(text.startsWith('# ')).toBe(true);
  });

  it('declares least-privilege permissions at the top and never write-all', () => {
    expect(workflow.permissions).toBeTypeOf('object');
    expect(JSON.stringify(workflow)).not.toMatch(/write-all/);
  });

  it('pins third-party actions to a full commit SHA, and mlci to its major release tag (test/pins.test.ts)', () => {
    for (const job of Object.values<any>(workflow.jobs)) {
      for (const step of job.steps ?? [])
        if (step.uses) expect(step.uses, step.uses).toMatch(mlciAction(step.uses) ? /@v\d+$/ : /@[0-9a-f]{40}$/);
    }
  });

  it('passes only inputs that the mlci action declares', () => {
    for (const job of Object.values<any>(workflow.jobs)) {
      for (const step of job.steps ?? []) {
        const actionFile = step.uses ? mlciAction(step.uses) : null;
        if (!actionFile) continue;
        const declared = Object.keys(parse(readFileSync(actionFile, 'utf8')).inputs ?? {});
        for (const input of Object.keys(step.with ?? {})) expect(declared, `${step.uses} input ${input}`).toContain(input);
      }
    }
  });

  it('interpolates no untrusted event field into a run script', () => {
    for (const job of Object.values<any>(workflow.jobs)) {
      for (const step of job.steps ?? []) {
        if (step.run) expect(step.run).not.toMatch(/\$\{\{\s*github\.event\.(pull_request|issue|comment|head_commit)\./);
      }
    }
  });
});
