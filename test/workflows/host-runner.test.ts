/** The host runner on a fixture workflow that uses each feature the example workflows rely on. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../github-emulator/index';
import { expandMatrix, explain, runWorkflow, type WorkflowRunResult, removeWorkflowDirs } from './host-runner';

const here = import.meta.dirname;
let gh: Emulator;
let run: WorkflowRunResult;

beforeAll(async () => {
  gh = await startEmulator();
  run = await runWorkflow({
    workflow: join(here, 'host-fixtures/features.yml'),
    projectDir: join(here, 'host-fixtures/project'),
    emulator: gh,
    inputs: { greeting: 'HELLO' },
  });
}, 60_000);
afterAll(async () => {
  await gh?.stop();
  removeWorkflowDirs();
});

describe('host runner', () => {
  it('runs steps with outputs, GITHUB_ENV, GITHUB_PATH, the workspace copy and the step summary', () => {
    const basics = run.job('basics');
    expect(basics.conclusion, explain(run)).toBe('success');
    expect(basics.outputs).toEqual({ said: 'HELLO octo-org' });
    expect(basics.steps[2]!.stdout).toBe('tool-ran\nfile content\n');
    expect(basics.summary).toBe('### said HELLO\n');
    expect(basics.steps[0]!.stdout).toContain('nothing to do');
  });

  it('evaluates if:, continue-on-error and expressions like GitHub', () => {
    const steps = run.job('basics').steps;
    expect(steps[3]!.outcome).toBe('skipped'); // boolean input false
    expect([steps[4]!.outcome, steps[4]!.conclusion, steps[4]!.exitCode]).toEqual(['failure', 'success', 3]);
    expect(steps[5]!.stdout).toBe('outcome=failure conclusion=success eq=true json=2 contains=true or=fallback\n');
  });

  it('expands the matrix, moves artifacts between jobs through the emulator, and passes job outputs on', () => {
    const sweep = run.jobs.filter((j) => j.id === 'sweep');
    expect(sweep.map((j) => [j.name, j.conclusion])).toEqual([
      ['sweep (1)', 'success'],
      ['sweep (2, two)', 'success'],
    ]);
    expect(
      gh.state.artifacts
        .filter((a) => a.runId === run.runId && a.finalized)
        .map((a) => a.name)
        .sort(),
    ).toEqual(['result-1', 'result-2']);
    expect(run.job('merge').outputs.joined).toBe('n=1 tag= said=HELLO octo-org|n=2 tag=two said=HELLO octo-org|');
  });

  it('stops a job at a failed step, runs failure() steps, fails the run and skips the jobs that need it', () => {
    const failing = run.job('after-failure');
    expect(failing.steps.map((s) => s.outcome)).toEqual(['failure', 'skipped', 'success']);
    expect(failing.steps[2]!.stdout).toBe('cleanup-ran\n');
    expect(run.job('skipped').conclusion).toBe('skipped');
    expect(run.conclusion).toBe('failure');
    expect(gh.conformance).toEqual([]);
  });

  it('refuses undeclared dispatch inputs; an event the workflow has no trigger for runs nothing and records no run', async () => {
    await expect(
      runWorkflow({
        workflow: join(here, 'host-fixtures/features.yml'),
        projectDir: join(here, 'host-fixtures/project'),
        emulator: gh,
        inputs: { nope: 'x' },
      }),
    ).rejects.toThrow(/not declared/);
    const runs = gh.state.workflowRuns.length;
    const push = await runWorkflow({
      workflow: join(here, 'host-fixtures/features.yml'),
      projectDir: join(here, 'host-fixtures/project'),
      emulator: gh,
      event: 'push',
    });
    expect([push.conclusion, push.reason, push.jobs, push.runId]).toEqual([
      'not-triggered',
      'on: has no push (on: workflow_dispatch)',
      [],
      0,
    ]);
    expect(gh.state.workflowRuns).toHaveLength(runs);
  });
});

describe('expandMatrix', () => {
  it('crosses axes, excludes, extends with include and appends unmatched includes', () => {
    expect(expandMatrix({ a: [1, 2], b: ['x', 'y'], exclude: [{ a: 1, b: 'y' }], include: [{ a: 2, extra: true }, { a: 9 }] })).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: 'x', extra: true },
      { a: 2, b: 'y', extra: true },
      { a: 9 },
    ]);
  });
});
