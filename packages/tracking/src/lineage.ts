/** Where a run came from: the git state, the input datasets by content, and the software environment. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { hashFile, inputError, parseYaml } from '@mlci/core';
import type { DatasetRef, EnvironmentLineage, GitLineage } from '@mlci/store';

/** Runs a program (never a shell) and resolves its stdout, or null on failure or timeout. */
export function tryRun(file: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<string | null> {
  return new Promise((done) => {
    execFile(file, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 10_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) =>
      done(error ? null : stdout),
    );
  });
}

/** The git work tree root containing `dir`, or null outside git. */
export async function gitRoot(dir: string): Promise<string | null> {
  const out = await tryRun('git', ['rev-parse', '--show-toplevel'], { cwd: dir });
  return out ? out.trim() : null;
}

/**
 * The project directory: the nearest directory from `cwd` up to the git root that holds an `mlci.yml` (where
 * `mlci run --config DIR/mlci.yml` records its runs, in `DIR/.mlci/`), else the git root, else `cwd` itself
 * outside a git work tree.
 */
export async function findProjectDir(cwd: string = process.cwd()): Promise<string> {
  const start = resolve(cwd);
  const root = await gitRoot(start);
  if (!root) return start;
  // git prints the root with symlinks resolved; walk the real path of cwd so the two meet.
  const real = await realpath(start).catch(() => start);
  for (let dir = real; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'mlci.yml'))) return dir === real ? start : dir;
    const rel = relative(root, dir);
    if (!rel || rel.startsWith('..') || isAbsolute(rel) || dirname(dir) === dir) break;
  }
  return root;
}

export async function gitLineage(dir: string): Promise<GitLineage> {
  const [commit, branch, status] = await Promise.all([
    tryRun('git', ['rev-parse', 'HEAD'], { cwd: dir }),
    tryRun('git', ['symbolic-ref', '--short', '-q', 'HEAD'], { cwd: dir }),
    // mlci's own store and outputs are not "changes" the user made.
    tryRun('git', ['status', '--porcelain', '--', '.', ':(exclude).mlci'], { cwd: dir }),
  ]);
  const fromJob = jobGitLineage();
  return { commit: commit?.trim() || fromJob.commit, branch: branch?.trim() || fromJob.branch, dirty: Boolean(status?.trim()) };
}

/**
 * Commit and branch as a GitHub Actions job names them, for a workspace without git metadata (a checkout
 * with a detached HEAD has no branch either). A pull request's run is recorded on its head branch, never on
 * the base, so it is not mistaken for a run of main; a tag push has no branch.
 */
export function jobGitLineage(env: NodeJS.ProcessEnv = process.env): { commit: string | null; branch: string | null } {
  if (env.GITHUB_ACTIONS !== 'true') return { commit: null, branch: null };
  const branch =
    env.GITHUB_HEAD_REF ||
    (env.GITHUB_REF_TYPE === 'branch' || env.GITHUB_REF?.startsWith('refs/heads/')
      ? env.GITHUB_REF_NAME || env.GITHUB_REF?.slice('refs/heads/'.length)
      : '');
  return { commit: env.GITHUB_SHA || null, branch: branch || null };
}

/** The md5 a `.dvc` file records for its (single) output, or null when there is no usable one. */
async function dvcFileMd5(dataPath: string): Promise<string | null> {
  const dvcPath = `${dataPath}.dvc`;
  if (!existsSync(dvcPath)) return null;
  try {
    const doc = parseYaml(await readFile(dvcPath, 'utf8'), dvcPath) as { outs?: Array<{ md5?: string; hash?: string }> };
    const md5 = doc?.outs?.[0]?.md5;
    return typeof md5 === 'string' && /^[0-9a-f]{32}(\.dir)?$/.test(md5) ? md5 : null;
  } catch {
    return null;
  }
}

/**
 * Names one input dataset by content: SHA-256 and DVC's md5 (from `<path>.dvc` when it exists, else the md5 of
 * the bytes, which is what DVC computes for a file). `path` is resolved against `projectDir` and recorded
 * relative to it. Only files are supported.
 */
export async function describeDataset(path: string, projectDir: string): Promise<DatasetRef & { absolutePath: string }> {
  const absolutePath = isAbsolute(path) ? path : resolve(projectDir, path);
  let info;
  try {
    info = await stat(absolutePath);
  } catch {
    throw inputError('dataset not found', { file: path, hint: '--data paths are read relative to the project directory (the git root)' });
  }
  if (info.isDirectory()) throw inputError('dataset is a directory; name its files one by one (--data a.csv --data b.csv)', { file: path });
  const hashes = await hashFile(absolutePath, ['sha256', 'md5']);
  const rel = relative(projectDir, absolutePath);
  return {
    path: rel.startsWith('..') ? absolutePath : rel.split('\\').join('/'),
    sha256: hashes.sha256,
    dvcMd5: (await dvcFileMd5(absolutePath)) ?? hashes.md5,
    size: info.size,
    snapshot: false,
    absolutePath,
  };
}

const LOCK_FILES = [
  'package-lock.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'poetry.lock',
  'uv.lock',
  'Pipfile.lock',
  'requirements.txt',
  'conda-lock.yml',
  'environment.yml',
];

export interface EnvironmentOptions {
  /**
   * Upper bound for each probe (python --version, pip freeze), in milliseconds; a probe that takes longer is
   * recorded as null.
   * @default 15000
   */
  timeoutMs?: number;
  /** Python executable to ask. @default 'python3' */
  python?: string;
}

export async function environmentLineage(projectDir: string, options: EnvironmentOptions = {}): Promise<EnvironmentLineage> {
  const python = options.python ?? 'python3';
  const timeoutMs = options.timeoutMs ?? 15_000;
  const [version, freeze, lockFiles] = await Promise.all([
    tryRun(python, ['--version'], { timeoutMs }),
    tryRun(python, ['-m', 'pip', 'freeze', '--disable-pip-version-check'], { timeoutMs }),
    Promise.all(
      LOCK_FILES.filter((f) => existsSync(join(projectDir, f))).map(async (f) => ({
        path: f,
        sha256: (await hashFile(join(projectDir, f))).sha256,
      })),
    ),
  ]);
  return {
    node: process.version,
    python: version ? version.trim().replace(/^Python\s+/, '') : null,
    platform: `${process.platform}-${process.arch}`,
    lockFiles,
    pipFreeze:
      freeze === null
        ? null
        : freeze
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean),
  };
}
