import { describe, expect, it } from 'vitest';
import { runAction } from '../harness/runner';
import { freshProject, recordRun } from './fixtures';

describe('promote-model action (local backend)', () => {
  it('workflow_dispatch: promotes the named run and sets outputs and a summary', async () => {
    const { dir, store } = await freshProject();
    const a = await recordRun(store, { content: 'act-A', accuracy: 0.7 });
    const b = await recordRun(store, { content: 'act-B', accuracy: 0.8 });
    const first = await runAction('promote-model', { workspace: dir, eventName: 'workflow_dispatch', inputs: { name: 'iris', run: a.id, backend: 'local' } });
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(first.outputs).toMatchObject({ version: '0.1.0', tag: 'iris@v0.1.0', 'previous-holder': '', 'run-id': a.id });
    const second = await runAction('promote-model', { workspace: dir, eventName: 'workflow_dispatch', inputs: { name: 'iris', run: b.id, backend: 'local', bump: 'major' } });
    expect(second.outputs).toMatchObject({ version: '1.0.0', 'previous-holder': '0.1.0' });
    expect(second.summary).toContain('iris@v1.0.0');
    expect(second.summary).toContain('mlci models rollback iris --alias champion');
  });

  it('push of a version tag: promotes the newest FINISHED run at that commit under that version', async () => {
    const { dir, store } = await freshProject();
    const sha = 'abcdef0'.padEnd(40, '9');
    const run = await recordRun(store, { content: 'tagged', accuracy: 0.9, commit: sha });
    const result = await runAction('promote-model', { workspace: dir, eventName: 'push', env: { GITHUB_REF: 'refs/tags/iris@v3.1.0', GITHUB_SHA: sha }, inputs: { backend: 'local' } });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs).toMatchObject({ version: '3.1.0', tag: 'iris@v3.1.0', 'run-id': run.id });
  });

  it('fails the step with the reason when gates are required and failed, or the input is bad', async () => {
    const { dir, store } = await freshProject();
    const run = await recordRun(store, { content: 'gated', accuracy: 0.9, tags: { 'mlci.gate.overfit-gate': 'fail' } });
    const refused = await runAction('promote-model', { workspace: dir, eventName: 'workflow_dispatch', inputs: { name: 'iris', run: run.id, backend: 'local', 'require-gates': 'true' } });
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toMatch(/overfit-gate failed/);
    expect(refused.outputs.version).toBeUndefined();
    const bad = await runAction('promote-model', { workspace: dir, eventName: 'workflow_dispatch', inputs: { name: 'iris', run: run.id, backend: 'local', bump: 'huge' } });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/bump must be major, minor or patch/);
  });
});
