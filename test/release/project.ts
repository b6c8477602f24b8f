/**
 * This repository as a tag would have it, for release.yml and ci.yml on the host runner: the committed tree
 * at HEAD (`git archive`), its dist/ built from those sources, and a node_modules that links this checkout's
 * install but points @mlci/* at the snapshot's own packages (so a build and tsx read the snapshot's sources).
 * `npm ci` in a step is a stand-in (npm-ci-stand-in.sh) that checks the lock file is the installed one.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../harness/runner';

export interface ReleaseProject {
  dir: string;
  /** Step environment: the npm stand-in first on PATH. */
  env: Record<string, string>;
  /** A copy of the snapshot with `edit` applied to its files, relinked, and dist/ rebuilt unless `build: false` (a stale dist/). */
  variant(edit: (dir: string) => void, options?: { build?: boolean }): string;
  remove(): void;
}

export function releaseProject(): ReleaseProject {
  const top = mkdtempSync(join(tmpdir(), 'mlci-release-'));
  const dir = join(top, 'repo');
  mkdirSync(dir);
  const archive = execFileSync('git', ['archive', '--format=tar', 'HEAD'], { cwd: repoRoot, maxBuffer: 256 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  linkAndBuild(dir);
  const bin = join(top, 'bin');
  mkdirSync(bin);
  copyFileSync(join(import.meta.dirname, 'npm-ci-stand-in.sh'), join(bin, 'npm'));
  chmodSync(join(bin, 'npm'), 0o755);
  const realNpm = execFileSync('bash', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
  return {
    dir,
    env: { PATH: `${bin}:${process.env.PATH}`, MLCI_REAL_NPM: realNpm, MLCI_INSTALLED_LOCK: join(repoRoot, 'package-lock.json'), MLCI_GITHUB_PACE_WRITES: 'false' },
    variant(edit, options = {}) {
      const copy = join(top, `variant-${++variants}`);
      cpSync(dir, copy, { recursive: true, filter: (src) => src !== join(dir, 'node_modules') });
      edit(copy);
      linkAndBuild(copy, options);
      return copy;
    },
    remove: () => rmSync(top, { recursive: true, force: true }),
  };
}
let variants = 0;

/** node_modules linking this checkout's install with @mlci/* on `dir`'s packages; dist/ built from `dir` unless `build: false`. */
function linkAndBuild(dir: string, options: { build?: boolean } = {}): void {
  const modules = join(repoRoot, 'node_modules');
  mkdirSync(join(dir, 'node_modules/@mlci'), { recursive: true });
  for (const name of readdirSync(modules)) if (name !== '@mlci') symlinkSync(join(modules, name), join(dir, 'node_modules', name));
  for (const name of readdirSync(join(dir, 'packages'))) symlinkSync(join(dir, 'packages', name), join(dir, 'node_modules/@mlci', name));
  if (options.build !== false) execFileSync(process.execPath, [join(dir, 'scripts/build.mjs')], { cwd: dir, stdio: 'pipe' });
}
