/**
 * .github/workflows/release.yml on the host runner against the GitHub emulator, with this repository as the
 * tag would have it (project.ts): pushing v0.2.0 publishes the release with CHANGELOG.md's section as its
 * notes and points v0 at the tagged commit; a rerun changes nothing; a tag that disagrees with package.json,
 * or a stale dist/, fails naming the file and publishes nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../github-emulator/index';
import { explain, removeWorkflowDirs, runWorkflow, wouldTrigger } from '../workflows/host-runner';
import { callsBeyond } from '../workflows/permissions';
import { releaseProject, type ReleaseProject } from './project';

const RELEASE = '.github/workflows/release.yml';
let gh: Emulator;
let project: ReleaseProject;
let version: string;

beforeAll(async () => {
  gh = await startEmulator();
  project = releaseProject();
  version = JSON.parse(readFileSync(join(project.dir, 'package.json'), 'utf8')).version;
}, 120_000);
afterAll(async () => {
  await gh?.stop();
  project?.remove();
  removeWorkflowDirs();
});

const refOf = (name: string) => gh.state.refs.get(`refs/tags/${name}`);
const releaseStep = (run: Awaited<ReturnType<typeof runWorkflow>>) => run.job('release').steps.find((s) => s.id === 'release')!;
const tagPush = (tag: string, projectDir = project.dir) =>
  runWorkflow({ workflow: RELEASE, projectDir, emulator: gh, event: 'push', ref: `refs/tags/${tag}`, env: project.env });

describe('release.yml', () => {
  let tagged: string;

  it('starts for vX.Y.Z tags only, not for branches, the major tag or model versions', async () => {
    tagged = gh.push('main', { message: 'Release 0.2.0', files: ['package.json', 'CHANGELOG.md'] }).sha;
    gh.pushTag('v9.9.9', tagged);
    gh.pushTag('v7', tagged);
    gh.pushTag('iris@v1.0.0', tagged);
    expect((await wouldTrigger({ workflow: RELEASE, emulator: gh, event: 'push', ref: 'refs/tags/v9.9.9' })).triggered).toBe(true);
    for (const ref of ['refs/heads/main', 'refs/tags/v7', 'refs/tags/iris@v1.0.0'])
      expect((await wouldTrigger({ workflow: RELEASE, emulator: gh, event: 'push', ref })).triggered, ref).toBe(false);
  });

  it('pushing the annotated tag v0.2.0 publishes the release from CHANGELOG.md and points v0 at the tagged commit', async () => {
    expect(version).toBe('0.2.0');
    gh.pushTag(`v${version}`, tagged, { annotated: true, message: `mlci ${version}` });
    expect(refOf('v0')).toBeUndefined();
    const from = gh.requests.length;
    const run = await tagPush(`v${version}`);
    expect(run.conclusion, explain(run)).toBe('success');
    const release = gh.state.releases.find((r) => r.tag_name === `v${version}`)!;
    expect(release).toMatchObject({ draft: false, name: `v${version}` });
    const changelog = readFileSync(join(project.dir, 'CHANGELOG.md'), 'utf8');
    const section = changelog
      .slice(changelog.indexOf(`## [${version}]`))
      .split(/\n## /)[0]!
      .split('\n')
      .slice(1)
      .join('\n')
      .trim();
    expect(section.length).toBeGreaterThan(200);
    expect(release.body).toBe(`${section}\n`);
    expect(refOf('v0')).toBe(tagged);
    expect(releaseStep(run).outputs).toMatchObject({ 'major-tag': 'v0', sha: tagged });
    expect(run.job('release').summary).toContain(`### Released v${version}`);
    expect(callsBeyond(gh, from, run.job('release').permissions)).toEqual([]);
    expect(gh.conformance).toEqual([]);
  }, 180_000);

  it('a rerun for the same tag leaves the one release and v0 as they are', async () => {
    const releases = gh.state.releases.length;
    const run = await tagPush(`v${version}`);
    expect(run.conclusion, explain(run)).toBe('success');
    expect(releaseStep(run).stdout).toMatch(new RegExp(`release v${version} unchanged: .*\\nv0 unchanged at ${tagged}`));
    expect(gh.state.releases.length).toBe(releases);
    expect(refOf('v0')).toBe(tagged);
  }, 180_000);

  it('the next release of the line moves v0; a later patch to an older version leaves it on the newer one', async () => {
    const next = project.variant(bumpTo('0.2.1'));
    const sha = gh.push('main', { message: 'Release 0.2.1', files: ['package.json', 'CHANGELOG.md'] }).sha;
    gh.pushTag('v0.2.1', sha);
    const run = await tagPush('v0.2.1', next);
    expect(run.conclusion, explain(run)).toBe('success');
    expect(refOf('v0')).toBe(sha);

    const older = project.variant(bumpTo('0.1.9'));
    const patch = gh.push('maint-0.1', { message: 'Release 0.1.9', files: ['package.json', 'CHANGELOG.md'] }).sha;
    gh.pushTag('v0.1.9', patch);
    const late = await tagPush('v0.1.9', older);
    expect(late.conclusion, explain(late)).toBe('success');
    expect(gh.state.releases.some((r) => r.tag_name === 'v0.1.9' && !r.draft)).toBe(true);
    expect(releaseStep(late).stdout).toContain('v0 left where it is: v0.2.1 is newer');
    expect(refOf('v0')).toBe(sha);
  }, 300_000);

  it('a tag that disagrees with package.json fails naming both, and publishes nothing', async () => {
    gh.pushTag('v0.3.0', tagged);
    const v0 = refOf('v0');
    const releases = gh.state.releases.length;
    const run = await tagPush('v0.3.0');
    expect(run.conclusion).toBe('failure');
    const step = releaseStep(run);
    expect(step.exitCode).toBe(2);
    expect(step.stderr).toContain(`release: error: package.json:3: tag v0.3.0 does not match the version in package.json ("${version}")`);
    expect(step.stderr).toContain('hint: set "version": "0.3.0" in package.json');
    expect(step.stderr).not.toMatch(/\n\s+at /);
    expect(gh.state.releases.length).toBe(releases);
    expect(refOf('v0')).toBe(v0);
  }, 180_000);

  it('a stale dist/ fails naming the stale bundles, and publishes nothing', async () => {
    // A source edited after the last build: dist/ is the snapshot's, no longer what the sources make.
    const stale = project.variant(
      (dir) =>
        edit(join(dir, 'packages/cli/src/main.ts'), (t) =>
          t.replace("'usage: mlci <command> [flags]'", "'usage: mlci <command> [options]'"),
        ),
      { build: false },
    );
    const releases = gh.state.releases.length;
    const run = await runWorkflow({
      workflow: RELEASE,
      projectDir: stale,
      emulator: gh,
      event: 'push',
      ref: `refs/tags/v${version}`,
      env: project.env,
    });
    expect(run.conclusion).toBe('failure');
    const step = releaseStep(run);
    expect(step.exitCode).toBe(2);
    expect(step.stderr).toMatch(
      new RegExp(`dist: dist/ is stale at v${version}: \\d+ file\\(s\\) differ from a build of the sources:\\ndist/(cli|chunks/)`),
    );
    expect(step.stderr).toContain('hint: run `npm run build`, commit dist/');
    expect(gh.state.releases.length).toBe(releases);
  }, 180_000);
});

const edit = (file: string, change: (text: string) => string) => writeFileSync(file, change(readFileSync(file, 'utf8')));

/** The edit a maintainer makes to prepare release `to`: package.json's version and a CHANGELOG.md section. */
const bumpTo = (to: string) => (dir: string) => {
  edit(join(dir, 'package.json'), (t) => t.replace(/"version": "[^"]+"/, `"version": "${to}"`));
  edit(join(dir, 'CHANGELOG.md'), (t) =>
    t.replace('## [Unreleased]\n', `## [Unreleased]\n\n## [${to}] - 2026-12-03\n\n### Fixed\n- Release ${to}.\n`),
  );
};
