/**
 * What must hold before a `vX.Y.Z` tag becomes a release, each a pure check over the tagged tree: the tag is a
 * release tag, package.json says the same version, CHANGELOG.md has a section for it, and the examples pin
 * the major tag that release moves. Each failure is an MlciError naming the file (and line) at fault.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputError, usageError } from '@mlci/core';
// @ts-expect-error: a plain .mjs script, no type declarations
import { findPins, pinFiles } from '../pin-examples.mjs';

export interface ReleaseTag {
  /** `v0.2.0` */
  tag: string;
  /** `0.2.0` */
  version: string;
  /** `v0`: the tag users pin, moved to each release of its major version. */
  major: string;
  parts: [number, number, number];
}

const RELEASE_TAG = /^v(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$/;

/** `v0.2.0` (or `refs/tags/v0.2.0`) as a release tag; anything else is refused, quoted, with the expected form. */
export function parseReleaseTag(given: string): ReleaseTag {
  const tag = given.replace(/^refs\/tags\//, '');
  const m = RELEASE_TAG.exec(tag);
  if (!m)
    throw usageError(
      `${JSON.stringify(given.slice(0, 100))} is not a release tag`,
      'release tags are vMAJOR.MINOR.PATCH, such as v0.2.0 (RELEASING.md)',
    );
  const parts = [Number(m[1]), Number(m[2]), Number(m[3])] as [number, number, number];
  return { tag, version: `${parts.join('.')}`, major: `v${parts[0]}`, parts };
}

/** Newer-than for release versions: -1, 0, 1. */
export const compareVersions = (a: ReleaseTag['parts'], b: ReleaseTag['parts']): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** package.json's version must be the tag's: the CLI, the report footer and the model cards print it. */
export function checkPackageVersion(release: ReleaseTag, packageJson: string, file = 'package.json'): void {
  let version: unknown;
  try {
    version = JSON.parse(packageJson).version;
  } catch (error) {
    throw inputError(`${file} is not JSON: ${(error as Error).message}`, { file, hint: 'fix package.json and tag again' });
  }
  if (version === release.version) return;
  const line = packageJson.split('\n').findIndex((l) => /"version"\s*:/.test(l)) + 1 || undefined;
  throw inputError(`tag ${release.tag} does not match the version in package.json (${JSON.stringify(version)})`, {
    file,
    line,
    hint: `set "version": "${release.version}" in package.json (npm version ${release.version} --no-git-tag-version), commit, and tag that commit; or delete the tag: git push --delete origin ${release.tag}`,
  });
}

/**
 * The release notes: the body of CHANGELOG.md's `## [X.Y.Z]` (or `## X.Y.Z`) section, up to the next `## `
 * heading, trimmed. Missing or empty is an error naming the file.
 */
export function releaseNotes(release: ReleaseTag, changelog: string, file = 'CHANGELOG.md'): string {
  const lines = changelog.split('\n');
  const escaped = release.version.replace(/\./g, '\\.');
  const heading = new RegExp(`^##\\s+\\[?v?${escaped}\\]?(\\s|$)`);
  const start = lines.findIndex((l) => heading.test(l));
  if (start < 0) {
    throw inputError(`no section for ${release.version}`, {
      file,
      hint: `add a "## [${release.version}] - YYYY-MM-DD" section saying what the release changes (RELEASING.md), commit, and tag that commit`,
    });
  }
  const end = lines.findIndex((l, i) => i > start && /^##\s/.test(l));
  const body = lines
    .slice(start + 1, end < 0 ? undefined : end)
    .join('\n')
    .trim();
  if (!body)
    throw inputError(`the section for ${release.version} is empty`, {
      file,
      line: start + 1,
      hint: 'write what the release changes under its heading',
    });
  return body + '\n';
}

/** Every `uses: mlci-dev/mlci…@REF` in the examples and README must pin the major tag this release moves. */
export function checkPins(release: ReleaseTag, root: string): void {
  const wrong: string[] = [];
  for (const file of pinFiles(root) as string[]) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const pin of findPins(text) as Array<{ line: number; uses: string; ref: string; placeholder: boolean }>) {
      if (!pin.placeholder && pin.ref !== release.major) wrong.push(`${file}:${pin.line}: ${pin.uses}`);
    }
  }
  if (wrong.length) {
    throw inputError(`${wrong.length} uses: pin(s) do not name ${release.major}, the tag this release moves:\n${wrong.join('\n')}`, {
      file: wrong[0]!.split(':')[0],
      line: Number(wrong[0]!.split(':')[1]),
      hint: `run node scripts/pin-examples.mjs (it pins ${release.major}), commit, and tag that commit`,
    });
  }
}
