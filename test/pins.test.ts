/**
 * Pins that resolve: every `uses: mlci-dev/mlci…@REF` in workflows-examples/*.yml and README.md names a release
 * of this repository whose action exists, so a copied workflow runs the action it names. The shipped pins are
 * the major tag of package.json's version (`@v0`), which release.yml moves to each release: their actions must
 * exist at HEAD, the commit the next release tags. Any other pin (an exact tag, a commit) is checked at that ref
 * (`git cat-file -e REF:PATH/action.yml`). `node scripts/pin-examples.mjs` re-pins them all. `@<sha>`
 * placeholders in README prose are not pins. MLCI_PINS_ROOT points the check at copies of those files.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, no type declarations (one line, so the directive covers the import)
import * as pinExamples from '../scripts/pin-examples.mjs';
import { repoRoot } from './harness/runner';

const { actionFileOf, currentMajorTag, findPins, gitHas, isReleaseTag, pinFiles, pinTarget, rewritePins } = pinExamples;

interface Pin {
  line: number;
  uses: string;
  path: string;
  ref: string;
  placeholder: boolean;
}

const pinsRoot = process.env.MLCI_PINS_ROOT ? resolve(process.env.MLCI_PINS_ROOT) : repoRoot;
const major: string = currentMajorTag();

function pinsUnder(root: string): Array<Pin & { file: string }> {
  return (pinFiles(root) as string[]).flatMap((file) =>
    (findPins(readFileSync(join(root, file), 'utf8')) as Pin[]).map((p) => ({ ...p, file })),
  );
}

/** Why a pin does not resolve in the repository at `cwd` (this one by default), or null when it does. */
function problemOf(pin: Pin & { file: string }, cwd: string = repoRoot): string | null {
  const where = `${pin.file}:${pin.line} (uses: ${pin.uses})`;
  const target = pinTarget(pin.ref, cwd) as { at?: string; label?: string; error?: string };
  if (target.error) {
    const fix = /shallow/.test(target.error)
      ? 'fetch full history and run the test again; CI clones fully (fetch-depth: 0)'
      : 're-pin with node scripts/pin-examples.mjs';
    return `${where}: ${target.error}; ${fix}`;
  }
  const file = actionFileOf(pin.path);
  if (gitHas(`${target.at}:${file}`, cwd)) return null;
  return `${where}: ${file} does not exist at ${target.label}, so the pin names an action that release does not have; re-pin with node scripts/pin-examples.mjs`;
}

const all = pinsUnder(pinsRoot);
const pins = all.filter((p) => !p.placeholder);

describe(`uses: pins in workflows-examples/*.yml and README.md${pinsRoot === repoRoot ? '' : ` (under ${pinsRoot})`}`, () => {
  it(`finds the pins, every one on ${major}, the major tag of package.json's version`, () => {
    expect(pins.length).toBeGreaterThan(0);
    expect(pins.some((p) => p.file.startsWith('workflows-examples/'))).toBe(true);
    expect(pins.filter((p) => p.ref !== major).map((p) => `${p.file}:${p.line} ${p.uses}`)).toEqual([]);
  });

  it.each(pins.map((p) => [`${p.file}:${p.line} ${p.uses}`, p] as const))('%s resolves', (_name, pin) => {
    const problem = problemOf(pin);
    if (problem) throw new Error(problem);
  });

  it('a pin the next release would not have, a missing tag, or a commit missing from a shallow clone fails saying what to do', () => {
    const base = { file: 'workflows-examples/x.yml', line: 1, placeholder: false };
    expect(
      problemOf({ ...base, uses: `mlci-dev/mlci/actions/no-such-action@${major}`, path: 'actions/no-such-action', ref: major }),
    ).toMatch(new RegExp(`actions/no-such-action/action\\.yml does not exist at ${major} \\(the next release tags HEAD\\)`));
    expect(problemOf({ ...base, uses: 'mlci-dev/mlci@v97.0.1', path: '', ref: 'v97.0.1' })).toMatch(
      /v97\.0\.1 is not a tag of this repository \(git fetch --tags\)/,
    );
    const shallow = mkdtempSync(join(tmpdir(), 'mlci-pins-shallow-'));
    execFileSync('git', ['clone', '-q', '--depth', '1', '--no-checkout', `file://${repoRoot}`, shallow], { stdio: 'ignore' });
    const old = {
      ...base,
      uses: 'mlci-dev/mlci@c9ccf145a89a7c261c127a81a2866388315097bb',
      path: '',
      ref: 'c9ccf145a89a7c261c127a81a2866388315097bb',
    };
    expect(problemOf(old, shallow)).toMatch(
      /is not a commit of this repository \(the clone is shallow: git fetch --unshallow\); fetch full history/,
    );
    expect(problemOf({ ...old, ref: '0'.repeat(40) })).toMatch(/is not a commit of this repository; re-pin/);
    expect(problemOf(old)).toBeNull();
  });
});

describe('scripts/pin-examples.mjs', () => {
  const sample = [
    'steps:',
    '  - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
    '  - uses: mlci-dev/mlci@c9ccf145a89a7c261c127a81a2866388315097bb # main',
    "  - uses: 'mlci-dev/mlci/actions/train-and-log@v1' # the trainer, see README",
    '  - uses: mlci-dev/mlci/actions/overfit-gate@<sha> # yours',
    '',
  ].join('\n');

  it('finds mlci pins with their path, skips nothing but marks placeholders, and leaves other actions alone', () => {
    expect(findPins(sample).map((p: Pin) => [p.line, p.path, p.ref, p.placeholder])).toEqual([
      [3, '', 'c9ccf145a89a7c261c127a81a2866388315097bb', false],
      [4, 'actions/train-and-log', 'v1', false],
      [5, 'actions/overfit-gate', '<sha>', true],
    ]);
    expect([isReleaseTag('v0'), isReleaseTag('v0.2.0'), isReleaseTag('v0.2'), isReleaseTag('main')]).toEqual([true, true, false, false]);
  });

  it('rewrites every pin to the ref, keeping quotes and sentences; a one-word label is replaced or dropped; placeholders stay', () => {
    const tagPinned = sample
      .replace('mlci-dev/mlci@c9ccf145a89a7c261c127a81a2866388315097bb # main', 'mlci-dev/mlci@v0')
      .replace("mlci-dev/mlci/actions/train-and-log@v1'", "mlci-dev/mlci/actions/train-and-log@v0'");
    expect(rewritePins(sample, 'v0')).toBe(tagPinned);
    const sha = 'f'.repeat(40);
    expect(rewritePins(tagPinned, sha, 'v0.2.0')).toBe(
      sample
        .replace('mlci-dev/mlci@c9ccf145a89a7c261c127a81a2866388315097bb # main', `mlci-dev/mlci@${sha} # v0.2.0`)
        .replace(
          "mlci-dev/mlci/actions/train-and-log@v1' # the trainer, see README",
          `mlci-dev/mlci/actions/train-and-log@${sha}' # v0.2.0 # the trainer, see README`,
        ),
    );
  });

  it(`on a copy of the shipped files: pins them to ${major} by default (a no-op on the shipped files), and to a commit with --sha`, () => {
    const scratch = mkdtempSync(join(tmpdir(), 'mlci-pins-'));
    cpSync(join(repoRoot, 'workflows-examples'), join(scratch, 'workflows-examples'), { recursive: true });
    cpSync(join(repoRoot, 'README.md'), join(scratch, 'README.md'));
    const run = (...args: string[]) =>
      execFileSync(process.execPath, [join(repoRoot, 'scripts/pin-examples.mjs'), '--root', scratch, ...args], {
        cwd: repoRoot,
        encoding: 'utf8',
      });
    expect(run()).toContain(`to ${major} in 0 file(s)`);
    for (const file of pinFiles(scratch) as string[])
      expect(readFileSync(join(scratch, file), 'utf8')).toBe(readFileSync(join(repoRoot, file), 'utf8'));

    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    expect(run('HEAD', '--sha')).toContain(`to ${head} in`);
    const copied = pinsUnder(scratch).filter((p) => !p.placeholder);
    expect(copied.length).toBe(pins.length);
    for (const pin of copied) {
      expect(pin.ref).toBe(head);
      expect(problemOf(pin)).toBeNull();
    }
    // Only the refs changed.
    for (const file of pinFiles(scratch) as string[])
      expect(readFileSync(join(scratch, file), 'utf8')).toBe(rewritePins(readFileSync(join(repoRoot, file), 'utf8'), head));
  });

  it('refuses a ref at which a pinned action does not exist, and a tag that is neither a tag here nor the major tag; writes nothing', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'mlci-pins-'));
    cpSync(join(repoRoot, 'workflows-examples'), join(scratch, 'workflows-examples'), { recursive: true });
    const before = readFileSync(join(scratch, 'workflows-examples/drift-monitor.yml'), 'utf8');
    const fail = (...args: string[]) => {
      try {
        execFileSync(process.execPath, [join(repoRoot, 'scripts/pin-examples.mjs'), '--root', scratch, ...args], {
          cwd: repoRoot,
          encoding: 'utf8',
          stdio: 'pipe',
        });
      } catch (error) {
        return error as { status: number; stderr: string };
      }
      throw new Error(`pin-examples ${args.join(' ')} succeeded`);
    };
    // c9ccf14 has no actions/distribution-check (the commit the examples were first pinned to).
    const old = fail('c9ccf145a89a7c261c127a81a2866388315097bb');
    expect(old.status).toBe(1);
    expect(old.stderr).toMatch(/nothing written.*\n.*actions\/distribution-check\/action\.yml does not exist/);
    const missing = fail('v97.0.1');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/v97\.0\.1 is not a tag of this repository/);
    expect(readFileSync(join(scratch, 'workflows-examples/drift-monitor.yml'), 'utf8')).toBe(before);
  });
});
