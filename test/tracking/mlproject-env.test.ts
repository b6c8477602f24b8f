/**
 * Issue #14 row 7: MLproject environments. A real python_env.yaml pinning a small pure-Python package (six
 * 1.17.0, installed by pip from the registry; setup.sh's mlflow already pulls it in through python-dateutil,
 * so pip's cache holds its wheel) is built with `python -m venv` + pip under `mlci train --mlproject`; the script proves
 * it ran inside that venv (sys.prefix, the package's file) and a second run reuses the cached environment.
 * A conda.yaml with no conda/mamba on PATH is a clear exit 2 offering `--env-manager local`, which then runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../harness/cli';
import { freshProject } from './fixtures';

const python = execFileSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();
const CHECK = `
import json, sys
import six
json.dump({"prefix": sys.prefix, "base": sys.base_prefix, "six": six.__file__, "version": six.__version__}, open(sys.argv[1], "w"))
`;
const MLPROJECT = `name: envs
python_env: python_env.yaml
entry_points:
  main:
    parameters:
      out: {type: string, default: where.json}
    command: "python check.py {out}"
`;
const PYTHON_ENV = `python: "${python}"
build_dependencies:
  - pip
dependencies:
  - six==1.17.0
`;

/** PATH without any directory holding conda, mamba or micromamba (CI images sometimes have one). */
const pathWithoutConda = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((d) => d && !['conda', 'mamba', 'micromamba'].some((t) => existsSync(join(d, t))))
  .join(delimiter);

describe('mlci train --mlproject builds the environment the project names', () => {
  let envDir: string;
  beforeAll(async () => {
    envDir = await mkdtemp(join(tmpdir(), 'mlci-envs-'));
  });

  it('python_env.yaml: a venv with pip and the pinned package, the script runs inside it; the second run reuses it', async () => {
    const dir = await freshProject({ MLproject: MLPROJECT, 'python_env.yaml': PYTHON_ENV, 'check.py': CHECK }, false);
    // virtualenv asked for by name: venv + pip, whether or not uv is installed here.
    const args = ['train', '--json', '--system-metrics-interval', '0', '--mlproject', '--env-manager', 'virtualenv'];
    const env = { MLCI_ENV_DIR: envDir };
    const first = await runCli(args, { cwd: dir, env });
    expect(first.exitCode, first.stderr).toBe(0);
    const record = jsonOf(first);
    expect(record.status).toBe('FINISHED');
    expect(record.tags['mlflow.project.env']).toBe('virtualenv');
    expect(record.tags['mlci.env.reused']).toBe('false');
    const path = record.tags['mlci.env.path'];
    expect(path.startsWith(envDir)).toBe(true);
    expect(path).toContain(record.tags['mlci.env.hash'].slice(0, 16));
    const where = JSON.parse(await readFile(join(dir, 'where.json'), 'utf8'));
    expect(where.prefix).toBe(path); // the interpreter was the venv's
    expect(where.base).not.toBe(path);
    expect(where.six.startsWith(path)).toBe(true); // the pinned package came from the venv's site-packages
    expect(where.version).toBe('1.17.0');
    expect(first.stderr).toMatch(/environment: building/);
    const marker = join(path, '.mlci-env.json');
    const builtAt = statSync(marker).mtimeMs;

    const second = await runCli(args, { cwd: dir, env });
    expect(second.exitCode, second.stderr).toBe(0);
    const again = jsonOf(second);
    expect(again.tags['mlci.env.reused']).toBe('true');
    expect(again.tags['mlci.env.path']).toBe(path);
    expect(second.stderr).toMatch(/environment: reusing/);
    expect(second.stderr).not.toMatch(/pip install/);
    expect(statSync(marker).mtimeMs).toBe(builtAt); // not rebuilt
    expect(JSON.parse(await readFile(join(dir, 'where.json'), 'utf8')).prefix).toBe(path);

    // The spec is hashed as parsed: a comment changes nothing, the environment is reused.
    await writeFile(join(dir, 'python_env.yaml'), `# pinned for the tests\n${PYTHON_ENV}`);
    const commented = await runCli(args, { cwd: dir, env });
    expect(commented.exitCode, commented.stderr).toBe(0);
    expect(jsonOf(commented).tags['mlci.env.path']).toBe(path);
    expect(jsonOf(commented).tags['mlci.env.reused']).toBe('true');
    // Another spec (no build_dependencies) is another environment; the cached one stays.
    await writeFile(join(dir, 'python_env.yaml'), PYTHON_ENV.replace('build_dependencies:\n  - pip\n', ''));
    const third = await runCli(args, { cwd: dir, env });
    expect(third.exitCode, third.stderr).toBe(0);
    const other = jsonOf(third);
    expect(other.tags['mlci.env.reused']).toBe('false');
    expect(other.tags['mlci.env.path']).not.toBe(path);
    expect(JSON.parse(await readFile(join(dir, 'where.json'), 'utf8')).prefix).toBe(other.tags['mlci.env.path']);
    expect(existsSync(marker)).toBe(true);
  }, 900_000);

  it('a python version no interpreter has, a bad pin and an unknown manager: exit 2, no environment left behind', async () => {
    const dir = await freshProject({ MLproject: MLPROJECT, 'python_env.yaml': 'python: "2.1"\n', 'check.py': CHECK }, false);
    const env = { MLCI_ENV_DIR: envDir };
    const old = await runCli(['train', '--mlproject', '--env-manager', 'virtualenv'], { cwd: dir, env });
    expect(old.exitCode).toBe(2);
    expect(old.stderr).toMatch(/python_env\.yaml asks for Python 2\.1, and no such interpreter was found/);
    expect(old.stderr).toMatch(/--env-manager local/);
    await writeFile(join(dir, 'python_env.yaml'), `python: "${python}"\ndependencies:\n  - six==0.0.0.does-not-exist\n`);
    const bad = await runCli(['train', '--mlproject', '--env-manager', 'virtualenv'], { cwd: dir, env });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/installing dependencies failed/);
    expect(bad.stderr).toMatch(/python_env\.yaml/);
    for (const d of await readdir(envDir)) if (!d.endsWith('.lock')) expect(existsSync(join(envDir, d, '.mlci-env.json')), d).toBe(true);
    const runs = await runCli(['runs', '--json'], { cwd: dir });
    expect(JSON.parse(runs.stdout)).toEqual([]); // refused before any run was recorded
    const unknown = await runCli(['train', '--mlproject', '--env-manager', 'pipenv'], { cwd: dir, env });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/--env-manager must be one of local, virtualenv, uv, conda, got "pipenv"/);
  }, 900_000);

  it('conda.yaml without conda or mamba: exit 2 naming the file and offering --env-manager local, which runs', async () => {
    const dir = await freshProject(
      {
        MLproject: MLPROJECT.replace('python_env: python_env.yaml', 'conda_env: conda.yaml'),
        'conda.yaml': 'name: envs\ndependencies:\n  - python=3.11\n  - pip\n',
        'check.py': 'import json, sys\njson.dump({"prefix": sys.prefix}, open(sys.argv[1], "w"))\n',
      },
      false,
    );
    const env = { MLCI_ENV_DIR: envDir, PATH: pathWithoutConda };
    const refused = await runCli(['train', '--mlproject'], { cwd: dir, env });
    expect(refused.exitCode, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/conda\.yaml/);
    expect(refused.stderr).toMatch(/neither conda, mamba nor micromamba is on PATH/);
    expect(refused.stderr).toMatch(/hint: .*--env-manager local/);
    expect(existsSync(join(dir, 'where.json'))).toBe(false);
    const wrong = await runCli(['train', '--mlproject', '--env-manager', 'virtualenv'], { cwd: dir, env });
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(/this project's environment is a conda\.yaml/);

    const local = await runCli(['train', '--json', '--system-metrics-interval', '0', '--mlproject', '--env-manager', 'local'], {
      cwd: dir,
      env,
    });
    expect(local.exitCode, local.stderr).toBe(0);
    expect(jsonOf(local).tags['mlflow.project.env']).toBe('local');
    expect(existsSync(join(dir, 'where.json'))).toBe(true);
  }, 900_000);
});
