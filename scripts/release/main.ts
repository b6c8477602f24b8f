/**
 * Cuts a release from a pushed `vX.Y.Z` tag (release.yml runs it; RELEASING.md is the runbook):
 *
 *   node --import tsx scripts/release/main.ts [TAG]          TAG defaults to $GITHUB_REF (refs/tags/vX.Y.Z)
 *   node --import tsx scripts/release/main.ts TAG --check    the checks only, no GitHub calls (before tagging)
 *
 * Checks the tree first (tag = package.json version, a CHANGELOG.md section, pins on the major tag, dist/
 * fresh), then publishes the release with that section as its notes and moves the major tag (`v0`) to the
 * tagged commit. Reruns are safe. Exit 0 done, 2 a check failed (the message names the file), 3 GitHub failed.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MlciError, exitCodeFor, inputError, stderrLogger, usageError } from '@mlci/core';
import { createGitHubClient, repoFromEnv } from '@mlci/core/github';
// @ts-expect-error: a plain .mjs script, no type declarations
import { distProblems } from '../check-dist.mjs';
import { checkPackageVersion, checkPins, parseReleaseTag, releaseNotes, type ReleaseTag } from './checks';
import { moveMajorTag, tagCommit, upsertRelease } from './publish';

const root = resolve(import.meta.dirname, '../..');

const readRootFile = (file: string) => {
  try {
    return readFileSync(join(root, file), 'utf8');
  } catch {
    throw inputError(`cannot read ${file} in ${root}`, { file, hint: 'run the release from a checkout of the tagged commit' });
  }
};

/** The checks on the tree, in the order a release manager fixes them; returns the release notes. */
function checkTree(release: ReleaseTag): string {
  checkPackageVersion(release, readRootFile('package.json'));
  const notes = releaseNotes(release, readRootFile('CHANGELOG.md'));
  checkPins(release, root);
  const { buildFailure, files } = distProblems(root) as { buildFailure: string | null; files: string[] };
  if (buildFailure)
    throw inputError(`the sources do not build:\n${buildFailure}`, { hint: 'fix the build on main, then tag the fixed commit' });
  if (files.length) {
    throw inputError(
      `dist/ is stale at ${release.tag}: ${files.length} file(s) differ from a build of the sources:\n${files.slice(0, 10).join('\n')}`,
      {
        file: 'dist',
        hint: 'run `npm run build`, commit dist/, and tag that commit (git tag -f, then git push -f origin TAG)',
      },
    );
  }
  return notes;
}

async function main(argv: string[]): Promise<number> {
  const checkOnly = argv.includes('--check');
  const given = argv.find((a) => !a.startsWith('--')) ?? process.env.GITHUB_REF ?? '';
  if (!given) throw usageError('no tag given and GITHUB_REF is not set', 'pass the tag: node --import tsx scripts/release/main.ts v0.2.0');
  const release = parseReleaseTag(given);
  const notes = checkTree(release);
  console.log(`release ${release.tag}: package.json, CHANGELOG.md, pins and dist/ check out`);
  if (checkOnly) return 0;

  const token = process.env.GITHUB_TOKEN;
  if (!token)
    throw usageError(
      'GITHUB_TOKEN is not set',
      'in release.yml pass env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}; the job needs contents: write',
    );
  const repo = repoFromEnv();
  const gh = createGitHubClient({ token, baseUrl: repo.apiUrl, logger: stderrLogger });
  const sha = await tagCommit(gh, { owner: repo.owner, repo: repo.repo }, release.tag);
  const checkedOut = process.env.GITHUB_SHA;
  if (checkedOut && checkedOut !== sha) {
    throw inputError(`${release.tag} names commit ${sha}, but the checks ran on ${checkedOut}`, {
      hint: 'the tag moved while the job ran: rerun the workflow for the tag as it is now',
    });
  }
  const published = await upsertRelease(gh, { owner: repo.owner, repo: repo.repo }, release, notes);
  const major = await moveMajorTag(gh, { owner: repo.owner, repo: repo.repo }, release, sha);
  const majorLine =
    major.action === 'kept' ? `${major.tag} left where it is: ${major.newer} is newer` : `${major.tag} ${major.action} at ${sha}`;
  console.log(`release ${release.tag} ${published.action}: ${published.url}\n${majorLine}`);
  if (process.env.GITHUB_STEP_SUMMARY)
    appendFileSync(
      process.env.GITHUB_STEP_SUMMARY,
      `### Released ${release.tag}\n\n[${release.tag}](${published.url}) (${published.action}); ${majorLine}.\n`,
    );
  if (process.env.GITHUB_OUTPUT)
    appendFileSync(process.env.GITHUB_OUTPUT, `release-url=${published.url}\nmajor-tag=${major.tag}\nsha=${sha}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error) => {
    if (error instanceof MlciError) console.error(`release: error: ${error.describe()}`);
    else console.error(`release: internal error: ${(error as Error)?.stack ?? String(error)}`);
    process.exitCode = exitCodeFor(error);
  },
);
