/** Where a run came from: the git state, the input datasets by content, and the software environment. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { hashFile, inputError, type Logger } from '@mlci/core';
import {
  describeDirectory,
  hashFileForDvc,
  snapshotDirectory,
  type DatasetRef,
  type Store,
  type EnvironmentLineage,
  type GitLineage,
} from '@mlci/store';
import { readDvcFile } from './dvc';

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

/** A dataset as lineage describes it, plus what train needs to store it (never written into the record). */
export interface DescribedDataset extends DatasetRef {
  absolutePath: string;
  /** A directory's manifest document (its SHA-256 is `sha256`). */
  manifest?: Buffer;
  /** Said to the user: a stale `.dvc` file, an unusable one, `.dvcignore` patterns not applied. */
  warnings: string[];
}

/**
 * Names one input dataset (a file or a directory) by content: the SHA-256 and DVC's md5, both computed from
 * the bytes; a directory by its manifest (per-file relpath, size, SHA-256, md5) and DVC's `<md5>.dir`. When
 * `<path>.dvc` exists, what it records is kept beside them as `dvc`, with `status: modified` (and a warning)
 * when the bytes no longer hash to it, and the md5 is computed in that file's kind (`md5` for DVC 3,
 * `md5-dos2unix` for a DVC 2 entry without `hash: md5`). `path` is resolved against `projectDir` and
 * recorded relative to it.
 */
export async function describeDataset(path: string, projectDir: string): Promise<DescribedDataset> {
  const absolutePath = isAbsolute(path) ? path : resolve(projectDir, path);
  let info;
  try {
    info = await stat(absolutePath);
  } catch {
    throw inputError('dataset not found', { file: path, hint: '--data paths are read relative to the project directory (the git root)' });
  }
  if (!info.isDirectory() && !info.isFile())
    throw inputError('dataset is neither a file nor a directory', { file: path, hint: 'name a data file or a folder of data files' });
  const rel = relative(projectDir, absolutePath);
  const shown = rel.startsWith('..') || isAbsolute(rel) ? absolutePath : rel.split('\\').join('/') || '.';
  const warnings: string[] = [];
  const dvcFile = await readDvcFile(absolutePath.replace(/[\\/]+$/, ''), shown);
  if (dvcFile.warning) warnings.push(dvcFile.warning);
  const legacy = dvcFile.entry?.hash === 'md5-dos2unix';
  let described: Omit<DescribedDataset, 'dvc' | 'warnings'>;
  if (info.isDirectory()) {
    const dir = await describeDirectory(absolutePath, { dos2unix: legacy, shown });
    const ignores = [...(existsSync(join(projectDir, '.dvcignore')) ? ['.dvcignore'] : []), ...dir.dvcignore.map((f) => `${shown}/${f}`)];
    if (ignores.length)
      warnings.push(
        `${shown}: mlci hashes every file of the folder and does not apply .dvcignore patterns (${ignores.join(', ')}); its .dir md5 differs from DVC's if they exclude any of its files`,
      );
    described = {
      path: shown,
      sha256: dir.sha256,
      dvcMd5: legacy ? dir.md5Dos2unix! : dir.md5,
      dvcHash: legacy ? 'md5-dos2unix' : 'md5',
      kind: 'directory',
      files: dir.files,
      size: dir.size,
      snapshot: false,
      absolutePath,
      manifest: dir.manifest,
    };
  } else {
    const hashes = await hashFileForDvc(absolutePath, { dos2unix: legacy, size: info.size });
    described = {
      path: shown,
      sha256: hashes.sha256,
      dvcMd5: legacy ? hashes.md5Dos2unix! : hashes.md5,
      dvcHash: legacy ? 'md5-dos2unix' : 'md5',
      size: hashes.size,
      snapshot: false,
      absolutePath,
    };
  }
  const entry = dvcFile.entry;
  if (!entry) return { ...described, warnings };
  const status = entry.md5 === described.dvcMd5 ? 'unchanged' : 'modified';
  if (status === 'modified')
    warnings.push(
      `${shown} changed since ${shown}.dvc was written: DVC recorded ${entry.hash} ${entry.md5}, the bytes now hash to ${described.dvcMd5} ` +
        `(\`dvc status\` says modified); the run records the bytes it read. hint: \`dvc add ${shown}\` records this version in DVC`,
    );
  const dvcRel = relative(projectDir, entry.file);
  return {
    ...described,
    dvc: {
      file: dvcRel.startsWith('..') || isAbsolute(dvcRel) ? entry.file : dvcRel.split('\\').join('/'),
      md5: entry.md5,
      hash: entry.hash,
      status,
    },
    warnings,
  };
}

/**
 * Stores a described dataset's bytes by hash (`--snapshot`): a file as one blob, a directory as one blob per
 * distinct file plus its manifest. Each is checked to still hash as described; marks it `snapshot`.
 */
export async function snapshotDataset(store: Store, d: DescribedDataset, logger: Logger): Promise<void> {
  if (d.kind === 'directory' && d.manifest) {
    const { stored, existed } = await snapshotDirectory(store, d.absolutePath, { sha256: d.sha256, manifest: d.manifest }, d.path);
    d.snapshot = true;
    logger.info(
      `dataset ${d.path}/: ${d.files} files, ${stored} new contents stored, ${existed} already stored; manifest ${d.sha256.slice(0, 12)}`,
    );
    return;
  }
  const blob = await store.putBlob({ path: d.absolutePath });
  if (blob.sha256 !== d.sha256) throw inputError('dataset changed while it was being stored', { file: d.path });
  d.snapshot = true;
  logger.info(`dataset ${d.path}: ${blob.existed ? 'already stored' : 'stored'} as ${d.sha256.slice(0, 12)}`);
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
