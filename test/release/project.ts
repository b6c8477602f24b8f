/**
 * This repository as a tag would have it, for release.yml and ci.yml on the host runner: the files of the
 * working tree git would commit, its dist/ built from those sources, and a node_modules that links this checkout's
 * install but points @mlci/* at the snapshot's own packages (so a build and tsx read the snapshot's sources).
 * `npm ci` in a step is a stand-in (npm-ci-stand-in.sh) that checks the lock file is the installed one.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
  // Projects sit directly under tmpdir(), as the runner's job workspaces do: paths from them to this checkout's
  // node_modules are then the same in a job as where dist/ was built, and so are esbuild's chunk hashes.
  const dir = mkdtempSync(join(tmpdir(), 'mlci-release-'));
  const made = [dir];
  // The files the next commit would hold (tracked and untracked, not ignored), so the test sees edits not yet committed; in CI that is HEAD.
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(repoRoot, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(repoRoot, file), join(dir, file));
  }
  linkAndBuild(dir);
  const bin = mkdtempSync(join(tmpdir(), 'mlci-release-bin-'));
  made.push(bin);
  copyFileSync(join(import.meta.dirname, 'npm-ci-stand-in.sh'), join(bin, 'npm'));
  chmodSync(join(bin, 'npm'), 0o755);
  const realNpm = execFileSync('bash', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
  return {
    dir,
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      MLCI_REAL_NPM: realNpm,
      MLCI_INSTALLED_LOCK: join(repoRoot, 'package-lock.json'),
      MLCI_GITHUB_PACE_WRITES: 'false',
    },
    variant(edit, options = {}) {
      const copy = mkdtempSync(join(tmpdir(), 'mlci-release-'));
      made.push(copy);
      cpSync(dir, copy, { recursive: true, filter: (src) => src !== join(dir, 'node_modules') });
      edit(copy);
      linkAndBuild(copy, options);
      return copy;
    },
    remove: () => made.forEach((d) => rmSync(d, { recursive: true, force: true })),
  };
}

/** node_modules linking this checkout's install with @mlci/* on `dir`'s packages; dist/ built from `dir` unless `build: false`. */
function linkAndBuild(dir: string, options: { build?: boolean } = {}): void {
  const modules = join(repoRoot, 'node_modules');
  mkdirSync(join(dir, 'node_modules/@mlci'), { recursive: true });
  for (const name of readdirSync(modules)) if (name !== '@mlci') symlinkSync(join(modules, name), join(dir, 'node_modules', name));
  // Relative, as npm links workspaces: in a job's copy they point at that copy's packages.
  for (const name of readdirSync(join(dir, 'packages'))) symlinkSync(join('../../packages', name), join(dir, 'node_modules/@mlci', name));
  if (options.build !== false) execFileSync(process.execPath, [join(dir, 'scripts/build.mjs')], { cwd: dir, stdio: 'pipe' });
}
