/**
 * Hostile inputs to the release script (scripts/release/main.ts, what release.yml runs on a pushed tag): tags
 * that are not release tags, trees that disagree with the tag, and a token that cannot write. Each is refused
 * with exit 2 (3 for GitHub's refusal) naming the input at fault with a hint, no stack trace, within the ceiling,
 * and publishes nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../github-emulator/index';
import { releaseProject, type ReleaseProject } from '../release/project';
import { expectCleanRefusal, runNode } from './harness';

let project: ReleaseProject;
let gh: Emulator;
beforeAll(async () => {
  project = releaseProject();
  gh = await startEmulator();
}, 120_000);
afterAll(async () => {
  project?.remove();
  await gh?.stop();
});

const version = () => JSON.parse(readFileSync(join(project.dir, 'package.json'), 'utf8')).version as string;
const edit = (file: string, change: (text: string) => string) => writeFileSync(file, change(readFileSync(file, 'utf8')));
/** The release script of `dir` on `tag`, checks only unless `env` reaches GitHub. */
const release = (dir: string, args: string[], env: Record<string, string> = {}) =>
  runNode(['--import', 'tsx', join(dir, 'scripts/release/main.ts'), ...args], {
    cwd: dir,
    env: { GITHUB_REF: '', GITHUB_SHA: '', ...env },
    ceilingMs: 60_000,
  });

describe('hostile release tags and trees', () => {
  it('a tag with shell metacharacters, a path or a huge length is not a release tag (exit 2, quoted, cut short)', async () => {
    for (const tag of ['v0.2.0; rm -rf ~', 'refs/tags/../../v0.2.0', `v0.2.${'9'.repeat(5000)}`, 'v00.2.0', '']) {
      const run = await release(project.dir, tag ? [tag, '--check'] : ['--check']);
      expectCleanRefusal(run, {
        exit: 2,
        names: [tag ? /release: error: ".*" is not a release tag/ : /no tag given and GITHUB_REF is not set/],
      });
      expect(run.stderr.length, tag.slice(0, 40)).toBeLessThan(600);
    }
  }, 120_000);

  it('a tag that disagrees with package.json names package.json:3 and both versions', async () => {
    const run = await release(project.dir, ['v9.0.0', '--check']);
    expectCleanRefusal(run, {
      exit: 2,
      names: [`package.json:3: tag v9.0.0 does not match the version in package.json ("${version()}")`, 'npm version 9.0.0'],
    });
  }, 60_000);

  it('a CHANGELOG.md whose only near match is a pre-release or longer version has no section for the tag', async () => {
    const dir = project.variant(
      (d) =>
        edit(join(d, 'CHANGELOG.md'), (t) =>
          t.replace(`## [${version()}]`, `## [${version()}-rc.1]`).replace('## [Unreleased]', `## [${version()}1]\n\n- not this one`),
        ),
      { build: false },
    );
    const run = await release(dir, [`v${version()}`, '--check']);
    expectCleanRefusal(run, { exit: 2, names: [`CHANGELOG.md: no section for ${version()}`] });
  }, 60_000);

  it('an empty CHANGELOG.md section is named with its line', async () => {
    const dir = project.variant(
      (d) => edit(join(d, 'CHANGELOG.md'), (t) => t.slice(0, t.indexOf(`## [${version()}]`)) + `## [${version()}] - 2026-12-02\n\n`),
      { build: false },
    );
    const run = await release(dir, [`v${version()}`, '--check']);
    expectCleanRefusal(run, {
      exit: 2,
      names: [new RegExp(`CHANGELOG\\.md:\\d+: the section for ${version().replace(/\./g, '\\.')} is empty`)],
    });
  }, 60_000);

  it('a README pin on another ref (a fork, a branch) is named by file and line', async () => {
    const dir = project.variant((d) => edit(join(d, 'README.md'), (t) => t.replace('uses: mlci-dev/mlci@v0', 'uses: mlci-dev/mlci@main')), {
      build: false,
    });
    const run = await release(dir, [`v${version()}`, '--check']);
    expectCleanRefusal(run, { exit: 2, names: [/README\.md:\d+: 1 uses: pin\(s\) do not name v0/, /README\.md:\d+: mlci-dev\/mlci@main/] });
  }, 60_000);

  it('a read-only token: GitHub refuses the release, exit 3 with the permissions line to add, nothing published', async () => {
    const sha = gh.push('main', { message: 'Release', files: ['package.json'] }).sha;
    gh.pushTag(`v${version()}`, sha);
    const env = { ...gh.jobEnv(), GITHUB_TOKEN: 'ghs_test_read', GITHUB_SHA: sha, MLCI_GITHUB_PACE_WRITES: 'false' };
    const run = await release(project.dir, [`v${version()}`], env);
    expectCleanRefusal(run, {
      exit: 3,
      names: [
        new RegExp(`could not publish the release v${version().replace(/\./g, '\\.')}: GitHub answered (HTTP )?403`),
        'contents: write',
      ],
    });
    expect(gh.state.releases).toEqual([]);
    expect(gh.state.refs.has('refs/tags/v0')).toBe(false);
  }, 60_000);
});
