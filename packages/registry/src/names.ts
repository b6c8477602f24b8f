import { inputError, usageError } from '@mlci/core';

/**
 * Names, versions and tags. Tags follow GTO (https://dvc.org/doc/gto): a version is the git tag
 * `name@v1.2.3`; an alias assignment is the git tag `name#alias#N`, N counting assignments of that alias.
 */

// Characters are restricted so that names are valid in git refs, release asset names and URLs alike.
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
// MLflow's alias rule (word characters and dashes), narrowed to ASCII so it is also a valid ref component.
const ALIAS = /^[A-Za-z0-9_-]{1,64}$/;
const VERSION = /^v?(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/;

export type Bump = 'major' | 'minor' | 'patch';

export function assertModelName(name: string): string {
  if (!MODEL_NAME.test(name)) {
    throw usageError(
      `"${name}" is not a valid model name`,
      'use letters, digits, "-" and "_" (up to 100 characters), starting with a letter or digit, e.g. iris-classifier',
    );
  }
  return name;
}

/** Whether `name` is a valid model name (a directory or tag that is not one is not a model). */
export const isModelName = (name: string) => MODEL_NAME.test(name);

export function assertAlias(alias: string): string {
  if (!ALIAS.test(alias))
    throw usageError(`"${alias}" is not a valid alias`, 'aliases are letters, digits, "-" and "_", up to 64 characters, e.g. champion');
  // MLflow reserves `latest` and names that look like versions (v1, v2, ...); so do we, so exports never clash.
  if (alias.toLowerCase() === 'latest')
    throw usageError('"latest" is reserved: it always means the newest version', 'pick another alias, e.g. champion');
  if (/^v\d/i.test(alias))
    throw usageError(
      `alias "${alias}" looks like a version`,
      'aliases may not start with "v" followed by a digit (MLflow reserves v<number>)',
    );
  return alias;
}

/** A semantic version without its `v`: "1.2.3". */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
}

export function parseVersion(text: string): SemVer {
  const m = VERSION.exec(text);
  if (!m) throw usageError(`"${text}" is not a version`, 'versions are MAJOR.MINOR.PATCH, e.g. v1.2.0');
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

export const isVersion = (text: string) => VERSION.test(text);
export const formatVersion = (v: SemVer) => `${v.major}.${v.minor}.${v.patch}`;
export const compareVersions = (a: string, b: string) => {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
};

export function bumpVersion(current: string | null, bump: Bump): string {
  const v = current ? parseVersion(current) : { major: 0, minor: 0, patch: 0 };
  if (bump === 'major') return formatVersion({ major: v.major + 1, minor: 0, patch: 0 });
  if (bump === 'minor') return formatVersion({ major: v.major, minor: v.minor + 1, patch: 0 });
  return formatVersion({ major: v.major, minor: v.minor, patch: v.patch + 1 });
}

export function parseBump(text: string): Bump {
  if (text === 'major' || text === 'minor' || text === 'patch') return text;
  throw usageError(`bump must be major, minor or patch, got "${text}"`);
}

/** The next version after the highest of `existing`: `bump` applied to it (0.0.0 when there is none). */
export function nextVersion(existing: string[], bump: Bump = 'minor'): string {
  const highest = [...existing].sort(compareVersions).pop() ?? null;
  return bumpVersion(highest, bump);
}

/** GTO's version tag: `name@v1.2.3`. */
export const versionTag = (name: string, version: string) => `${name}@v${formatVersion(parseVersion(version))}`;

/** GTO's assignment tag: `name#alias#N`. */
export const aliasTag = (name: string, alias: string, seq: number) => `${name}#${alias}#${seq}`;

/** Reads `name@v1.2.3` back; null for any other tag. */
export function parseVersionTag(tag: string): { name: string; version: string } | null {
  const at = tag.lastIndexOf('@');
  if (at <= 0) return null;
  const name = tag.slice(0, at);
  const version = tag.slice(at + 1);
  if (!MODEL_NAME.test(name) || !version.startsWith('v') || !isVersion(version)) return null;
  return { name, version: formatVersion(parseVersion(version)) };
}

/** Reads `name#alias#N` back; null for any other tag. */
export function parseAliasTag(tag: string): { name: string; alias: string; seq: number } | null {
  const m = /^([A-Za-z0-9][A-Za-z0-9_-]{0,99})#([A-Za-z0-9_-]{1,64})#([1-9]\d{0,8})$/.exec(tag);
  return m ? { name: m[1], alias: m[2], seq: Number(m[3]) } : null;
}

/** What `NAME@vX.Y.Z`, `NAME@ALIAS`, `NAME@latest` or a bare `NAME` (= latest) asks for. */
export type ModelRef = { name: string; version: string } | { name: string; alias: string } | { name: string; latest: true };

export function parseModelRef(text: string): ModelRef {
  const at = text.indexOf('@');
  const name = assertModelName(at < 0 ? text : text.slice(0, at));
  if (at < 0) return { name, latest: true };
  const rest = text.slice(at + 1);
  if (rest === 'latest') return { name, latest: true };
  if (/^v\d/.test(rest)) {
    if (!isVersion(rest))
      throw inputError(`"${text}": "${rest}" is not a version`, { hint: 'write NAME@vMAJOR.MINOR.PATCH, e.g. iris@v1.2.0' });
    return { name, version: formatVersion(parseVersion(rest)) };
  }
  return { name, alias: assertAlias(rest) };
}
