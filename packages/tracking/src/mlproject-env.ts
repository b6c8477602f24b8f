/**
 * MLproject environments (`mlci train --mlproject [--env-manager M]`), with MLflow's values for M:
 * - `virtualenv`: a `python_env.yaml` is built with `python -m venv` + pip (`uv` where it is installed and no
 *   manager was asked for);
 * - `uv`: the same with `uv venv` + `uv pip install` (uv must be on PATH);
 * - `conda`: a `conda.yaml` is built with `conda env create` (mamba or micromamba where conda is not);
 * - `local`: no environment is built; the command runs in the current one.
 * Without `--env-manager` the project's environment decides: python_env.yaml → virtualenv (uv when present),
 * conda.yaml → conda, docker_env → refused (not supported), none → local. A manager that cannot build what
 * the project asks for is a clear error (exit 2) offering `--env-manager local`.
 *
 * Environments are cached by the SHA-256 of their spec: the manager, the parsed spec (python version, build
 * dependencies, dependencies; for conda the file's text), the interpreter it is built on and the text of the
 * requirements/constraints files its dependencies name with `-r`/`-c`. The cache lives in the user's cache
 * directory (`$MLCI_ENV_DIR`, else `$XDG_CACHE_HOME/mlci/envs`, else `~/.cache/mlci/envs`), not in the project's
 * `.mlci/`: an environment is hundreds of MB, is the same for every clone and project that pins the same
 * things, and must not travel with the run artifacts. An environment is built in place (venvs are not
 * relocatable) and is complete only once its marker `.mlci-env.json` is written, last: a directory without it
 * (a build that died) is removed and built again. Two mlci commands building the same environment take a lock
 * (`<dir>.lock`, with the builder's pid); the second waits for the first, or takes over from a dead one.
 */
import { spawn, execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { inputError, parseYaml, silentLogger, usageError, writeJsonAtomic, type Logger } from '@mlci/core';
import { splitWords, type MlprojectEnvironment } from './mlproject';

export const ENV_MANAGERS = ['local', 'virtualenv', 'uv', 'conda'] as const;
export type EnvManager = (typeof ENV_MANAGERS)[number];

export interface MlprojectEnvOptions {
  /** The project's environment (`loadMlproject(...).environment`). */
  environment: MlprojectEnvironment;
  /** `--env-manager`: one of ENV_MANAGERS. @default decided by the environment (see the module comment) */
  manager?: string;
  /** Where environments are cached. @default $MLCI_ENV_DIR, else $XDG_CACHE_HOME/mlci/envs, else ~/.cache/mlci/envs */
  cacheDir?: string;
  /** Build progress (the tools' own output goes to stderr). @default silentLogger */
  logger?: Logger;
}

export interface PreparedEnv {
  manager: EnvManager;
  /** The environment's directory; null for `local`. */
  path: string | null;
  /** The spec's hash (the cache key); null for `local`. */
  hash: string | null;
  /** True when a cached environment was used, false when it was built now (or for `local`). */
  reused: boolean;
  /** Variables for the command: PATH with the environment's bin first, VIRTUAL_ENV or CONDA_PREFIX. */
  env: Record<string, string>;
  /** Tags for the run: `mlflow.project.env` (MLflow's), `mlci.env.*`. */
  tags: Record<string, string>;
}

const run = promisify(execFile);
const BIN = process.platform === 'win32' ? 'Scripts' : 'bin';
const MARKER = '.mlci-env.json';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The user cache directory environments are kept in (see the module comment). */
export function envCacheDir(): string {
  if (process.env.MLCI_ENV_DIR) return resolve(process.env.MLCI_ENV_DIR);
  return join(process.env.XDG_CACHE_HOME ? resolve(process.env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'mlci', 'envs');
}

/** Whether `program` is on PATH (and runs). */
async function onPath(program: string): Promise<boolean> {
  return run(program, ['--version'], { timeout: 60_000 }).then(
    () => true,
    () => false,
  );
}

interface PythonSpec {
  python: string | null;
  build: string[];
  deps: string[];
}

function parsePythonEnv(text: string, file: string): PythonSpec {
  let doc: unknown;
  try {
    doc = parseYaml(text, file);
  } catch (error) {
    throw inputError(`python_env.yaml is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { file });
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw inputError('python_env.yaml must be a mapping with python, build_dependencies and dependencies', { file });
  const d = doc as Record<string, unknown>;
  const list = (key: string): string[] => {
    const v = d[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' && typeof x !== 'number'))
      throw inputError(`python_env.yaml: ${key} must be a list of requirement strings`, { file, hint: `e.g. ${key}:\n  - six==1.17.0` });
    return v.map(String);
  };
  const python = d.python === undefined || d.python === null ? null : String(d.python);
  if (python !== null && !/^\d+(\.\d+){0,2}$/.test(python))
    throw inputError(`python_env.yaml: python must be a version such as "3.11" or "3.11.7", got "${python}"`, { file });
  return { python, build: list('build_dependencies'), deps: list('dependencies') };
}

/** pip arguments of a requirement list: each entry split into words (`-r requirements.txt` is two), never a shell. */
const pipArgs = (entries: string[], file: string) => entries.flatMap((e) => splitWords(e, file));

/** The files that `-r`/`-c` arguments name (relative to the env file's directory): their text is part of the spec. */
async function referencedFiles(args: string[], base: string, file: string): Promise<string[]> {
  const texts: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const inline = /^(?:-r|--requirement|-c|--constraint)=?(.+)$/.exec(flag);
    const name = ['-r', '--requirement', '-c', '--constraint'].includes(flag) ? args[++i] : inline?.[1];
    if (!name) continue;
    const text = await readFile(resolve(base, name), 'utf8').catch(() => {
      throw inputError(`python_env.yaml names ${name}, which cannot be read`, { file, hint: 'paths are relative to python_env.yaml' });
    });
    texts.push(`${name}\n${text}`);
  }
  return texts;
}

/** An interpreter for the spec's python version: python3.X / python3 / python on PATH, then pyenv's versions. */
async function findPython(version: string | null, file: string): Promise<{ exe: string; version: string }> {
  const probe = async (exe: string) => {
    const r = await run(exe, ['-c', 'import sys; print(sys.executable); print(".".join(map(str, sys.version_info[:3])))'], {
      timeout: 60_000,
    }).catch(() => null);
    const [path, v] = r?.stdout.trim().split('\n') ?? [];
    return path && v ? { exe: path, version: v } : null;
  };
  const matches = (v: string) => !version || v === version || v.startsWith(`${version}.`);
  const want = version?.split('.').slice(0, 2).join('.');
  const candidates = [...(want ? [`python${want}`] : []), 'python3', 'python'];
  const found: string[] = [];
  for (const c of candidates) {
    const p = await probe(c);
    if (p) found.push(`${c} is ${p.version}`);
    if (p && matches(p.version)) return p;
  }
  const root = await run('pyenv', ['root'], { timeout: 60_000 }).then(
    (r) => r.stdout.trim(),
    () => '',
  );
  if (root && version) {
    const versions = (await readdir(join(root, 'versions')).catch(() => [] as string[])).filter(matches).sort().reverse();
    for (const v of versions) {
      const p = await probe(join(root, 'versions', v, 'bin', 'python'));
      if (p && matches(p.version)) return p;
    }
  }
  throw inputError(
    `python_env.yaml asks for Python ${version}, and no such interpreter was found (${found.join(', ') || 'no python on PATH'})`,
    {
      file,
      hint: `install Python ${version} (e.g. \`pyenv install ${version}\`), or run in the current environment with --env-manager local`,
    },
  );
}

/** Runs a build step, its output to our stderr; fails naming the step, the env file and the output's last lines. */
function step(argv: string[], file: string, cwd: string, what: string, logger: Logger): Promise<void> {
  logger.info(`environment: ${argv.join(' ')}`);
  return new Promise((done, fail) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (d: Buffer) => {
      process.stderr.write(d);
      tail = (tail + d.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => fail(inputError(`${what}: could not run ${argv[0]}: ${error.message}`, { file })));
    child.on('close', (code) => {
      if (code === 0) return done();
      const last = tail.trim().split('\n').slice(-8).join('\n');
      fail(
        inputError(`${what} failed (${argv[0]} exited with ${code}):\n${last}`, {
          file,
          hint: 'check the versions pinned in the environment file; or run in the current environment with --env-manager local',
        }),
      );
    });
  });
}

/** Takes `<dir>.lock` (mkdir is atomic); waits while a live builder holds it, takes over from a dead one. */
async function lock(dir: string, logger: Logger): Promise<() => Promise<void>> {
  const path = `${dir}.lock`;
  await mkdir(dirname(path), { recursive: true });
  for (let said = false; ;) {
    try {
      await mkdir(path);
      await writeFile(join(path, 'pid'), String(process.pid));
      return () => rm(path, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = Number(await readFile(join(path, 'pid'), 'utf8').catch(() => ''));
    let alive = true;
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 0);
      } catch (error) {
        alive = (error as NodeJS.ErrnoException).code === 'EPERM';
      }
    }
    if (!alive) {
      await rm(path, { recursive: true, force: true });
      continue;
    }
    if (existsSync(join(dir, MARKER))) return async () => {}; // built meanwhile: nothing to do
    if (!said) logger.info(`environment: waiting for another mlci (pid ${pid || '?'}) building ${dir}`);
    said = true;
    await sleep(500);
  }
}

interface Plan {
  manager: Exclude<EnvManager, 'local'>;
  file: string;
  hash: string;
  summary: string;
  build(dir: string, logger: Logger): Promise<void>;
}

async function pythonPlan(manager: 'virtualenv' | 'uv', file: string): Promise<Plan> {
  const text = await readFile(file, 'utf8');
  const spec = parsePythonEnv(text, file);
  const base = dirname(file);
  const build = pipArgs(spec.build, file);
  const deps = pipArgs(spec.deps, file);
  const python = await findPython(spec.python, file);
  const referenced = await referencedFiles([...build, ...deps], base, file);
  const hash = createHash('sha256')
    .update(JSON.stringify({ manager, python: python.version, build, deps, referenced }))
    .digest('hex');
  return {
    manager,
    file,
    hash,
    summary: `Python ${python.version}, ${deps.length ? deps.join(' ') : 'no dependencies'}`,
    async build(dir, logger) {
      const py = join(dir, BIN, 'python');
      if (manager === 'uv') {
        await step(['uv', 'venv', '--python', python.exe, dir], file, base, 'creating the environment', logger);
        if (build.length)
          await step(['uv', 'pip', 'install', '--python', py, ...build], file, base, 'installing build_dependencies', logger);
        if (deps.length) await step(['uv', 'pip', 'install', '--python', py, ...deps], file, base, 'installing dependencies', logger);
        return;
      }
      await step([python.exe, '-m', 'venv', dir], file, base, 'creating the environment', logger);
      const pip = [py, '-m', 'pip', 'install', '--disable-pip-version-check'];
      if (build.length) await step([...pip, ...build], file, base, 'installing build_dependencies', logger);
      if (deps.length) await step([...pip, ...deps], file, base, 'installing dependencies', logger);
    },
  };
}

async function condaPlan(file: string): Promise<Plan> {
  const tool = (await onPath('conda')) ? 'conda' : (await onPath('mamba')) ? 'mamba' : (await onPath('micromamba')) ? 'micromamba' : null;
  if (!tool)
    throw inputError('the project asks for a conda environment (conda.yaml), and neither conda, mamba nor micromamba is on PATH', {
      file,
      hint: 'install conda (e.g. Miniforge) or mamba, or run in the current environment with --env-manager local',
    });
  const text = await readFile(file, 'utf8');
  try {
    parseYaml(text, file);
  } catch (error) {
    throw inputError(`conda.yaml is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { file });
  }
  const hash = createHash('sha256')
    .update(JSON.stringify({ manager: 'conda', text }))
    .digest('hex');
  return {
    manager: 'conda',
    file,
    hash,
    summary: `${tool} environment from ${file}`,
    async build(dir, logger) {
      const argv =
        tool === 'micromamba'
          ? [tool, 'create', '--yes', '--prefix', dir, '--file', file]
          : [tool, 'env', 'create', '--prefix', dir, '--file', file];
      await step(argv, file, dirname(file), 'creating the conda environment', logger);
    },
  };
}

const local = (reason: string): PreparedEnv => ({
  manager: 'local',
  path: null,
  hash: null,
  reused: false,
  env: {},
  tags: { 'mlflow.project.env': 'local', 'mlci.env': reason },
});

/**
 * Builds (or reuses) the environment the MLproject asks for and returns the variables that run the command in
 * it. Errors (exit 2): an unknown manager; a manager that does not fit the project's environment file; a
 * missing tool (uv, conda/mamba), interpreter or environment file; a build step that fails (its output's last
 * lines quoted). Each error offers `--env-manager local`.
 */
export async function prepareMlprojectEnv(options: MlprojectEnvOptions): Promise<PreparedEnv> {
  const logger = options.logger ?? silentLogger;
  const { environment } = options;
  const asked = options.manager;
  if (asked !== undefined && !(ENV_MANAGERS as readonly string[]).includes(asked))
    throw usageError(`--env-manager must be one of ${ENV_MANAGERS.join(', ')}, got "${asked}"`, 'as MLflow: mlflow run --env-manager');
  if (asked === 'local') return local('--env-manager local: the current environment');
  if (environment.kind === 'docker')
    throw inputError(`the project asks for a docker_env (${environment.image}), which mlci train does not run`, {
      hint: 'run it in the current environment with --env-manager local, or use `mlflow run` for docker projects',
    });
  if (environment.kind === 'none') {
    if (asked) logger.warn(`--env-manager ${asked}: the MLproject names no environment file; running in the current environment`);
    return local('the MLproject names no environment: the current environment');
  }
  const file = environment.file!;
  let plan: Plan;
  if (environment.kind === 'conda') {
    if (asked && asked !== 'conda')
      throw inputError(`--env-manager ${asked} builds python_env.yaml environments; this project's environment is a conda.yaml`, {
        file,
        hint: 'use --env-manager conda, or --env-manager local for the current environment',
      });
    plan = await condaPlan(file);
  } else {
    if (asked === 'conda')
      throw inputError("--env-manager conda builds conda.yaml environments; this project's environment is a python_env.yaml", {
        file,
        hint: 'use --env-manager virtualenv (or uv), or --env-manager local for the current environment',
      });
    const uv = asked === 'uv' || (!asked && (await onPath('uv')));
    if (asked === 'uv' && !(await onPath('uv')))
      throw inputError('--env-manager uv: uv is not on PATH', {
        file,
        hint: 'install uv, use --env-manager virtualenv (venv + pip), or --env-manager local',
      });
    plan = await pythonPlan(uv ? 'uv' : 'virtualenv', file);
  }
  const dir = join(options.cacheDir ?? envCacheDir(), `${plan.manager}-${plan.hash.slice(0, 16)}`);
  const binDir = join(dir, BIN);
  const prepared = (reused: boolean): PreparedEnv => ({
    manager: plan.manager,
    path: dir,
    hash: plan.hash,
    reused,
    env: {
      PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`,
      ...(plan.manager === 'conda' ? { CONDA_PREFIX: dir } : { VIRTUAL_ENV: dir }),
    },
    tags: { 'mlflow.project.env': plan.manager, 'mlci.env.hash': plan.hash, 'mlci.env.path': dir, 'mlci.env.reused': String(reused) },
  });
  if (existsSync(join(dir, MARKER))) {
    logger.info(`environment: reusing ${dir} (${plan.summary})`);
    return prepared(true);
  }
  const unlock = await lock(dir, logger);
  try {
    if (existsSync(join(dir, MARKER))) return prepared(true); // another mlci built it while this one waited
    await rm(dir, { recursive: true, force: true }); // what a build that died left
    logger.info(`environment: building ${dir} (${plan.summary})`);
    try {
      await plan.build(dir, logger);
    } catch (error) {
      await rm(dir, { recursive: true, force: true }).catch(() => {});
      throw error;
    }
    await writeJsonAtomic(join(dir, MARKER), {
      hash: plan.hash,
      manager: plan.manager,
      file: plan.file,
      summary: plan.summary,
      built: Date.now(),
    });
    return prepared(false);
  } finally {
    await unlock();
  }
}
