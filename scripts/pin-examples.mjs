// Pins every `uses: mlci-dev/mlci…@REF` in workflows-examples/*.yml and README.md to one commit of this
// repository, keeping each line's trailing `# comment`:
//
//   node scripts/pin-examples.mjs [REF]        REF defaults to `git rev-parse HEAD`
//
// REF is resolved to its full commit SHA, and every pinned path (the root action.yml for `mlci-dev/mlci`,
// PATH/action.yml for `mlci-dev/mlci/PATH`) must exist at that commit, or nothing is written. Placeholders
// such as `@<sha>` (README prose for "your pin here") are not pins: left alone and counted.
// `--root DIR` rewrites the copies under DIR (DIR/workflows-examples, DIR/README.md) instead, for a dry run;
// git is still asked about this repository. test/pins.test.ts checks that the shipped pins resolve.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const repoRoot = resolve(import.meta.dirname, '..');

/**
 * `uses: mlci-dev/mlci[/PATH]@REF`, quoted or not, in YAML or in a README code block. Groups: 1 everything up
 * to and including `@`, 2 PATH with its leading `/` (or empty), 3 REF.
 */
const PIN = /(\buses:\s*['"]?mlci-dev\/mlci((?:\/[A-Za-z0-9._-]+)*)@)([^\s'"#]+)/g;
const isPlaceholder = (ref) => /^<[^>]*>$/.test(ref);

/** The files pins live in, under `root`: workflows-examples/*.yml (sorted) and README.md. */
export function pinFiles(root = repoRoot) {
  const dir = join(root, 'workflows-examples');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yml')).sort().map((f) => join('workflows-examples', f)) : [];
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

/** `text` with every pin's REF replaced by `ref` (placeholders untouched); the rest of each line, comments included, kept. */
export function rewritePins(text, ref) {
  return text.replace(PIN, (whole, head, _path, old) => (isPlaceholder(old) ? whole : `${head}${ref}`));
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

function main(argv) {
  const args = [...argv];
  let root = repoRoot;
  const rootAt = args.indexOf('--root');
  if (rootAt >= 0) {
    root = resolve(args[rootAt + 1] ?? '.');
    args.splice(rootAt, 2);
  }
  const given = args[0] ?? 'HEAD';
  let sha;
  try {
    sha = git(['rev-parse', '--verify', '--quiet', `${given}^{commit}`]);
  } catch {
    console.error(`pin-examples: ${given} is not a commit of this repository${isShallow() ? ' (the clone is shallow: git fetch --unshallow)' : ''}`);
    return 2;
  }
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
      if (!gitHas(`${sha}:${actionFileOf(pin.path)}`)) missing.push(`${file}:${pin.line}: ${actionFileOf(pin.path)} does not exist at ${sha}`);
    }
    const next = rewritePins(text, sha);
    if (next !== text) rewritten.set(file, next);
  }
  if (missing.length) {
    console.error(`pin-examples: nothing written; these pins would not resolve at ${sha}:\n${missing.join('\n')}`);
    return 1;
  }
  for (const [file, text] of rewritten) {
    writeFileSync(join(root, file), text);
    changed.push(file);
  }
  console.log(`pinned ${pins} uses: to ${sha} in ${changed.length} file(s)${changed.length ? `: ${changed.join(', ')}` : ''}`);
  if (placeholders) console.log(`left ${placeholders} placeholder(s) such as @<sha> as they are`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.exitCode = main(process.argv.slice(2));
