// Pins every `uses: mlci-dev/mlci…@REF` in workflows-examples/*.yml and README.md to a release of this
// repository:
//
//   node scripts/pin-examples.mjs              the major tag of package.json's version (`@v0`): what users pin
//   node scripts/pin-examples.mjs TAG          another release tag (`v0.2.0`, `v1`)
//   node scripts/pin-examples.mjs REF --sha    REF's full commit SHA with `# REF` after it (a hardened pin)
//
// The major tag is the Actions convention (actions/checkout@v4): release.yml moves it to each release of that
// major, so copied workflows get fixes without edits, and the pins need no change per release. Its pinned
// paths (the root action.yml for `mlci-dev/mlci`, PATH/action.yml for `mlci-dev/mlci/PATH`) must exist at
// HEAD, the commit the next release tags; any other pin's at the tag or commit itself. Otherwise nothing is
// written. A trailing `# word` label (`# main`, `# v0.2.0`) is replaced as the pin changes; other comments stay.
// Placeholders such as `@<sha>` (README prose for "your pin here") are not pins: left alone and counted.
// `--root DIR` rewrites the copies under DIR (DIR/workflows-examples, DIR/README.md) instead, for a dry run;
// git is still asked about this repository. test/pins.test.ts checks that the shipped pins resolve.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const repoRoot = resolve(import.meta.dirname, '..');

/**
 * `uses: mlci-dev/mlci[/PATH]@REF`, quoted or not, in YAML or in a README code block. Groups: 1 everything up
 * to and including `@`, 2 PATH with its leading `/` (or empty), 3 REF.
 */
const PIN = /(\buses:\s*['"]?mlci-dev\/mlci((?:\/[A-Za-z0-9._-]+)*)@)([^\s'"#]+)(['"]?)( +# [^\s#]+$)?/gm;
const isPlaceholder = (ref) => /^<[^>]*>$/.test(ref);

/** A release tag: `v1` (a major tag) or `v1.2.3`. */
export const isReleaseTag = (ref) => /^v\d+(\.\d+\.\d+)?$/.test(ref);

/** The major tag of a version: `0.2.0` → `v0`. */
export const majorTagOf = (version) => `v${String(version).split('.')[0]}`;

/** The tag users pin now: the major tag of this repository's package.json version. */
export const currentMajorTag = (root = repoRoot) => majorTagOf(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);

/** The files pins live in, under `root`: workflows-examples/*.yml (sorted) and README.md. */
export function pinFiles(root = repoRoot) {
  const dir = join(root, 'workflows-examples');
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.yml'))
        .sort()
        .map((f) => join('workflows-examples', f))
    : [];
  if (existsSync(join(root, 'README.md'))) files.push('README.md');
  return files;
}

/**
 * Every pin in `text`: `{ line, uses, path, ref, placeholder }`, `path` relative to the repository root ('' for
 * the root action), `line` 1-based.
 */
export function findPins(text) {
  const pins = [];
  text.split('\n').forEach((lineText, index) => {
    for (const m of lineText.matchAll(PIN)) {
      const path = m[2].replace(/^\//, '');
      pins.push({ line: index + 1, uses: `mlci-dev/mlci${m[2]}@${m[3]}`, path, ref: m[3], placeholder: isPlaceholder(m[3]) });
    }
  });
  return pins;
}

/**
 * `text` with every pin's REF replaced by `ref` (placeholders untouched). A trailing one-word `# label` is
 * replaced by `# label` when given, dropped otherwise (it named the old ref); other comments are kept.
 */
export function rewritePins(text, ref, label) {
  return text.replace(PIN, (whole, head, _path, old, quote) =>
    isPlaceholder(old) ? whole : `${head}${ref}${quote}${label ? ` # ${label}` : ''}`,
  );
}

/** The action file a pin names, as a git path: `action.yml` or `PATH/action.yml`. */
export const actionFileOf = (path) => (path ? `${path}/action.yml` : 'action.yml');

const git = (args, cwd = repoRoot) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** True when `git cat-file -e SPEC` succeeds in the repository. */
export function gitHas(spec, cwd = repoRoot) {
  try {
    git(['cat-file', '-e', spec], cwd);
    return true;
  } catch {
    return false;
  }
}

export const isShallow = (cwd = repoRoot) => git(['rev-parse', '--is-shallow-repository'], cwd) === 'true';

/** A tag's or commit's full SHA in this repository, or null. */
export function commitOf(ref, cwd = repoRoot) {
  try {
    return git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
  } catch {
    return null;
  }
}

/**
 * Where a pin's actions must exist: HEAD for the current major tag (the next release moves it there),
 * else the ref itself. `{ at, label }` or `{ error }`.
 */
export function pinTarget(ref, cwd = repoRoot) {
  if (ref === currentMajorTag()) return { at: 'HEAD', label: `${ref} (the next release tags HEAD)` };
  const sha = commitOf(ref, cwd);
  if (sha) return { at: sha, label: ref };
  if (isReleaseTag(ref))
    return {
      error: `${ref} is not a tag of this repository (git fetch --tags), and not ${currentMajorTag()}, the major tag of package.json's version`,
    };
  return { error: `${ref} is not a commit of this repository${isShallow(cwd) ? ' (the clone is shallow: git fetch --unshallow)' : ''}` };
}

function main(argv) {
  const args = [...argv];
  let root = repoRoot;
  const rootAt = args.indexOf('--root');
  if (rootAt >= 0) {
    root = resolve(args[rootAt + 1] ?? '.');
    args.splice(rootAt, 2);
  }
  const hardened = args.includes('--sha');
  const given = args.filter((a) => a !== '--sha')[0] ?? currentMajorTag();
  let pinRef = given;
  let label;
  let target;
  if (hardened || !isReleaseTag(given)) {
    const full = commitOf(given);
    if (!full) {
      console.error(
        `pin-examples: ${given} is not a commit of this repository${isShallow() ? ' (the clone is shallow: git fetch --unshallow)' : ''}`,
      );
      return 2;
    }
    pinRef = full;
    label = isReleaseTag(given) ? given : undefined;
    target = { at: full, label: full };
  } else {
    target = pinTarget(given);
    if (target.error) {
      console.error(`pin-examples: ${target.error}`);
      return 2;
    }
  }
  const sha = target.at;
  const changed = [];
  const missing = [];
  let placeholders = 0;
  let pins = 0;
  const rewritten = new Map();
  for (const file of pinFiles(root)) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const pin of findPins(text)) {
      if (pin.placeholder) {
        placeholders++;
        continue;
      }
      pins++;
      if (!gitHas(`${sha}:${actionFileOf(pin.path)}`))
        missing.push(`${file}:${pin.line}: ${actionFileOf(pin.path)} does not exist at ${target.label}`);
    }
    const next = rewritePins(text, pinRef, label);
    if (next !== text) rewritten.set(file, next);
  }
  if (missing.length) {
    console.error(`pin-examples: nothing written; these pins would not resolve at ${target.label}:\n${missing.join('\n')}`);
    return 1;
  }
  for (const [file, text] of rewritten) {
    // Temp file and rename: an interrupted run leaves each file whole, old or new.
    const temp = join(root, `${file}.pin-${process.pid}.tmp`);
    writeFileSync(temp, text);
    renameSync(temp, join(root, file));
    changed.push(file);
  }
  console.log(
    `pinned ${pins} uses: to ${pinRef}${label ? ` # ${label}` : ''} in ${changed.length} file(s)${changed.length ? `: ${changed.join(', ')}` : ''}`,
  );
  if (placeholders) console.log(`left ${placeholders} placeholder(s) such as @<sha> as they are`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.exitCode = main(process.argv.slice(2));
