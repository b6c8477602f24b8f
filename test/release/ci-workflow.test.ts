/**
 * .github/workflows/ci.yml: its shape (every push and pull request, read-only token, pinned actions, the
 * steps the project's CI promises) and its dist job on the host runner against the emulator: green on the
 * tree as it is, red naming the stale bundles when a source changed after the last build.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../github-emulator/index';
import { repoRoot } from '../harness/runner';
import { explain, removeWorkflowDirs, runWorkflow, wouldTrigger } from '../workflows/host-runner';
import { callsBeyond } from '../workflows/permissions';
import { releaseProject, type ReleaseProject } from './project';

const CI = '.github/workflows/ci.yml';
const workflow = parse(readFileSync(join(repoRoot, CI), 'utf8'));
const steps = Object.values<any>(workflow.jobs).flatMap((job) => job.steps ?? []);
const runs = steps.map((s) => s.run).filter(Boolean) as string[];
const scripts = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts as Record<string, string>;

describe('ci.yml, as written', () => {
  it('gives the token contents: read and nothing more, in every job', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    for (const [id, job] of Object.entries<any>(workflow.jobs)) expect(job.permissions, id).toBeUndefined();
  });

  it('type-checks, lints, checks dist/ and runs the tests (.ci/run), each after npm ci', () => {
    for (const needed of ['npm run typecheck', 'npm run lint', 'node scripts/check-dist.mjs', 'bash .ci/run'])
      expect(
        runs.some((r) => r.includes(needed)),
        needed,
      ).toBe(true);
    for (const [id, job] of Object.entries<any>(workflow.jobs)) {
      const lines = (job.steps as any[]).map((s) => String(s.run ?? ''));
      const install = lines.findIndex((l) => /^npm ci\b/.test(l) || l.includes('.ci/run'));
      expect(install, `${id} installs with npm ci (or .ci/run, which does)`).toBeGreaterThanOrEqual(0);
    }
  });

  it('pins every action to a full commit SHA', () => {
    for (const step of steps) if (step.uses) expect(step.uses).toMatch(/^actions\/[a-z-]+@[0-9a-f]{40}$/);
  });

  it('calls only npm scripts package.json has', () => {
    const called = runs.flatMap((r) => [...r.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!));
    expect(called.length).toBeGreaterThan(0);
    expect(called.filter((name) => !scripts[name])).toEqual([]);
  });
});

describe('ci.yml on the host runner', () => {
  let gh: Emulator;
  let project: ReleaseProject;
  beforeAll(async () => {
    gh = await startEmulator();
    project = releaseProject();
  }, 120_000);
  afterAll(async () => {
    await gh?.stop();
    project?.remove();
    removeWorkflowDirs();
  });

  it('starts on a push to any branch and on pull requests, not on tags', async () => {
    gh.push('main', { message: 'A change', files: ['README.md'] });
    gh.push('topic', { message: 'A topic', files: ['README.md'] });
    const pr = gh.openPullRequest({ head: 'topic', title: 'A topic' });
    gh.pushTag('v0.2.0', 'main');
    for (const ref of ['refs/heads/main', 'refs/heads/topic'])
      expect((await wouldTrigger({ workflow: CI, emulator: gh, event: 'push', ref })).triggered, ref).toBe(true);
    expect((await wouldTrigger({ workflow: CI, emulator: gh, event: 'pull_request', pullRequest: pr.number })).triggered).toBe(true);
    expect((await wouldTrigger({ workflow: CI, emulator: gh, event: 'push', ref: 'refs/tags/v0.2.0' })).triggered).toBe(false);
  });

  it('the dist job passes on a tree whose dist/ is fresh, making no API call', async () => {
    const from = gh.requests.length;
    const run = await runWorkflow({
      workflow: CI,
      projectDir: project.dir,
      emulator: gh,
      event: 'push',
      ref: 'refs/heads/main',
      env: project.env,
      jobs: ['dist'],
    });
    expect(run.conclusion, explain(run)).toBe('success');
    expect(run.job('dist').steps.at(-1)!.stdout).toContain('check-dist: dist/ matches a fresh build of the sources');
    expect(callsBeyond(gh, from, run.job('dist').permissions)).toEqual([]);
    expect(gh.requests.slice(from).filter((r) => r.operationId)).toEqual([]);
  }, 120_000);

  it('the dist job fails naming the stale bundles when a source changed after the build', async () => {
    const stale = project.variant(
      (dir) => {
        const file = join(dir, 'packages/cli/src/main.ts');
        writeFileSync(file, readFileSync(file, 'utf8').replace("'usage: mlci <command> [flags]'", "'usage: mlci <command> [options]'"));
      },
      { build: false },
    );
    const run = await runWorkflow({
      workflow: CI,
      projectDir: stale,
      emulator: gh,
      event: 'push',
      ref: 'refs/heads/main',
      env: project.env,
      jobs: ['dist'],
    });
    expect(run.conclusion).toBe('failure');
    const step = run.job('dist').steps.at(-1)!;
    expect(step.exitCode).toBe(1);
    expect(step.stderr).toMatch(/^check-dist: dist\/ is not what the sources build \(\d+ file\(s\)\):\ndist\/\S+: (stale|missing|extra)/);
    expect(step.stderr).toContain('hint: run `npm run build` and commit dist/');
  }, 120_000);
});
