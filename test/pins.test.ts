/**
 * Pins that resolve: every `uses: mlci-dev/mlci…@REF` in workflows-examples/*.yml and README.md names an
 * action that exists at REF in this repository (`git cat-file -e REF:PATH/action.yml`), so a copied workflow
 * runs the action it names. `node scripts/pin-examples.mjs [REF]` re-pins them all. `@<sha>` placeholders in
 * README prose are not pins. MLCI_PINS_ROOT points the check at copies of those files (a dry run of the script).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, no type declarations
import { actionFileOf, findPins, gitHas, isShallow, pinFiles, rewritePins } from '../scripts/pin-examples.mjs';
import { repoRoot } from './harness/runner';

interface Pin { line: number; uses: string; path: string; ref: string; placeholder: boolean }

const pinsRoot = process.env.MLCI_PINS_ROOT ? resolve(process.env.MLCI_PINS_ROOT) : repoRoot;

function pinsUnder(root: string): Array<Pin & { file: string }> {
  return (pinFiles(root) as string[]).flatMap((file) => (findPins(readFileSync(join(root, file), 'utf8')) as Pin[]).map((p) => ({ ...p, file })));
}

/** Why a pin does not resolve in the repository at `cwd` (this one by default), or null when it does. */
function problemOf(pin: Pin & { file: string }, cwd: string = repoRoot): string | null {
  const target = actionFileOf(pin.path);
  if (gitHas(`${pin.ref}:${target}`, cwd)) return null;
  const where = `${pin.file}:${pin.line} (uses: ${pin.uses})`;
  if (!gitHas(`${pin.ref}^{commit}`, cwd)) {
    if (isShallow(cwd)) {
      return `${where}: ${pin.ref} is not in this clone, which is shallow: fetch full history (git fetch --unshallow) and run the test again; CI clones fully (fetch-depth: 0)`;
    }
    return `${where}: ${pin.ref} is not a commit of this repository; re-pin with node scripts/pin-examples.mjs`;
  }
  return `${where}: ${target} does not exist at ${pin.ref}, so the pin names an action that commit does not have; re-pin with node scripts/pin-examples.mjs`;
}

const all = pinsUnder(pinsRoot);
const pins = all.filter((p) => !p.placeholder);

describe(`uses: pins in workflows-examples/*.yml and README.md${pinsRoot === repoRoot ? '' : ` (under ${pinsRoot})`}`, () => {
  it('finds the pins (the pattern still matches the files)', () => {
    expect(pins.length).toBeGreaterThan(0);
    expect(pins.some((p) => p.file.startsWith('workflows-examples/'))).toBe(true);
  });

  it.each(pins.map((p) => [`${p.file}:${p.line} ${p.uses}`, p] as const))('%s resolves', (_name, pin) => {
    const problem = problemOf(pin);
    if (problem) throw new Error(problem);
  });

  it('in a shallow clone without the pinned commit, the failure says to fetch full history', () => {
    const shallow = mkdtempSync(join(tmpdir(), 'mlci-pins-shallow-'));
    execFileSync('git', ['clone', '-q', '--depth', '1', '--no-checkout', `file://${repoRoot}`, shallow], { stdio: 'ignore' });
    const pin = { file: 'workflows-examples/x.yml', line: 1, uses: 'mlci-dev/mlci@c9ccf145a89a7c261c127a81a2866388315097bb', path: '', ref: 'c9ccf145a89a7c261c127a81a2866388315097bb', placeholder: false };
    expect(problemOf(pin, shallow)).toMatch(/is not in this clone, which is shallow: fetch full history \(git fetch --unshallow\)/);
    expect(problemOf({ ...pin, ref: '0'.repeat(40) })).toMatch(/is not a commit of this repository/);
  });
});

describe('scripts/pin-examples.mjs', () => {
  const sample = [
    'steps:',
    '  - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
    '  - uses: mlci-dev/mlci@c9ccf145a89a7c261c127a81a2866388315097bb # main',
    "  - uses: 'mlci-dev/mlci/actions/train-and-log@v1'",
    '  - uses: mlci-dev/mlci/actions/overfit-gate@<sha>',
    '',
  ].join('\n');

  it('finds mlci pins with their path, skips nothing but marks placeholders, and leaves other actions alone', () => {
    expect(findPins(sample).map((p: Pin) => [p.line, p.path, p.ref, p.placeholder])).toEqual([
      [3, '', 'c9ccf145a89a7c261c127a81a2866388315097bb', false],
      [4, 'actions/train-and-log', 'v1', false],
      [5, 'actions/overfit-gate', '<sha>', true],
    ]);
  });

  it('rewrites every pin to the ref, keeping the trailing comment and quotes; placeholders stay', () => {
    const ref = 'f'.repeat(40);
    expect(rewritePins(sample, ref)).toBe(sample
      .replace('mlci-dev/mlci@c9ccf145a89a7c261c127a81a2866388315097bb # main', `mlci-dev/mlci@${ref} # main`)
      .replace("mlci-dev/mlci/actions/train-and-log@v1'", `mlci-dev/mlci/actions/train-and-log@${ref}'`));
  });

  it('on a copy of the shipped files: pins them to HEAD, after which every pin resolves', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'mlci-pins-'));
    cpSync(join(repoRoot, 'workflows-examples'), join(scratch, 'workflows-examples'), { recursive: true });
    cpSync(join(repoRoot, 'README.md'), join(scratch, 'README.md'));
    const out = execFileSync(process.execPath, [join(repoRoot, 'scripts/pin-examples.mjs'), '--root', scratch], { cwd: repoRoot, encoding: 'utf8' });
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    expect(out).toContain(`to ${head}`);
    const copied = pinsUnder(scratch);
    expect(copied.filter((p) => !p.placeholder).length).toBe(pins.length);
    for (const pin of copied.filter((p) => !p.placeholder)) {
      expect(pin.ref).toBe(head);
      expect(problemOf(pin)).toBeNull();
    }
    // Only the refs changed: every line keeps its comment.
    for (const file of pinFiles(scratch) as string[]) {
      const before = readFileSync(join(repoRoot, file), 'utf8');
      const after = readFileSync(join(scratch, file), 'utf8');
      expect(after).toBe(rewritePins(before, head));
      expect(after.match(/ # .*$/gm)).toEqual(before.match(/ # .*$/gm));
    }
  });

  it('refuses a ref at which a pinned action does not exist, and writes nothing', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'mlci-pins-'));
    cpSync(join(repoRoot, 'workflows-examples'), join(scratch, 'workflows-examples'), { recursive: true });
    const before = readFileSync(join(scratch, 'workflows-examples/drift-monitor.yml'), 'utf8');
    let failure: { status: number; stderr: string } | undefined;
    try {
      // c9ccf14 has no actions/distribution-check (the commit the examples were first pinned to).
      execFileSync(process.execPath, [join(repoRoot, 'scripts/pin-examples.mjs'), '--root', scratch, 'c9ccf145a89a7c261c127a81a2866388315097bb'], { cwd: repoRoot, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      failure = error as { status: number; stderr: string };
    }
    expect(failure?.status).toBe(1);
    expect(failure?.stderr).toMatch(/nothing written.*\n.*actions\/distribution-check\/action\.yml does not exist/);
    expect(readFileSync(join(scratch, 'workflows-examples/drift-monitor.yml'), 'utf8')).toBe(before);
  });
});
