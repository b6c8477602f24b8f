/**
 * Checks on mlci.yml that need no data and no run, done before the first stage (issue #12 row 5): a gate with a
 * syntax error, a model name the registry refuses or a missing schema file must stop `mlci run` at once, naming
 * mlci.yml and the line, not after training has spent minutes (and left a run) to reach the stage that reads it.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join, relative, resolve } from 'node:path';
import { MlciError, inputError } from '@mlci/core';
import { configLine, type MlciConfig } from '@mlci/core/config';
import { assertAlias, assertModelName } from '@mlci/registry';
import { parseDriftConfig } from '@mlci/stats';
import { parseAssertion, parseRunSelector } from '@mlci/tracking';
import type { StageName } from './types';

type Path = Array<string | number>;

/**
 * Every static problem of `config`, as one MlciError (exit 2) naming `file` and the line of the first; the
 * others follow in the message. Files are checked only for the stages that will run (`stages`).
 */
export async function preflight(config: MlciConfig, file: string, stages?: StageName[]): Promise<void> {
  const problems: MlciError[] = [];
  const runs = (stage: StageName) => !stages || stages.includes(stage);
  const at = (path: Path, error: unknown) => {
    if (!(error instanceof MlciError)) throw error;
    // Problems found in the text of mlci.yml are input errors of the file, at the line of the value.
    problems.push(
      inputError(`${path.join('.')}: ${error.message}`, { file, line: error.location.line ?? configLine(config, path), hint: error.hint }),
    );
  };
  const check = (path: Path, body: () => void) => {
    try {
      body();
    } catch (error) {
      at(path, error);
    }
  };

  config.gates.forEach((gate, i) => check(['gates', i], () => parseAssertion(gate.trim())));
  if (config.train) check(['train', 'select-run'], () => parseRunSelector(config.train!['select-run'], 'select-run'));
  if (config.model) {
    check(['model', 'name'], () => assertModelName(config.model!.name));
    if (config.model.alias !== undefined) check(['model', 'alias'], () => assertAlias(config.model!.alias!));
  }
  for (const [name, d] of Object.entries(config.datasets)) {
    const base: Path = ['datasets', name];
    if (d.drift !== undefined) {
      try {
        parseDriftConfig(d.drift, file, (p) => configLine(config, [...base, 'drift', ...p]));
      } catch (error) {
        if (!(error instanceof MlciError)) throw error;
        problems.push(
          inputError(`${[...base, 'drift'].join('.')}: ${error.message}`, {
            file,
            line: error.location.line ?? configLine(config, [...base, 'drift']),
            hint: error.hint,
          }),
        );
      }
    }
    const reads = (d.schema && runs('validate')) || (d.reference && runs('drift'));
    if (reads) await mustExist(config, [...base, 'path'], d.path, at);
    if (d.schema && runs('validate')) await mustExist(config, [...base, 'schema'], d.schema, at);
    if (d.reference && runs('drift')) await mustExist(config, [...base, 'reference'], d.reference, at);
  }
  if (config.train?.params && runs('train')) await mustExist(config, ['train', 'params'], config.train.params, at);
  if (config.train && runs('train') && !(await findExecutable(config.train.command[0], config.root))) {
    const program = config.train.command[0];
    at(
      ['train', 'command'],
      new MlciError(
        'input',
        program.includes('/')
          ? `program "${program}" is not an executable file (relative to ${config.root})`
          : `program "${program}" is not found on PATH`,
        {
          hint: program.includes('/')
            ? 'check the path and that the file is executable'
            : 'install it, or name it by its path (e.g. .venv/bin/python)',
        },
      ),
    );
  }

  if (!problems.length) return;
  const [first, ...rest] = problems;
  if (!rest.length) throw first;
  const more = rest.map((p) => `\n  ${file}${p.location.line ? `:${p.location.line}` : ''}: ${p.message}`).join('');
  throw new MlciError('input', `${first.message}${more}\n  (${problems.length} problems in ${file}; no stage has run)`, {
    file,
    line: first.location.line,
    hint: first.hint,
  });
}

/** Whether `program` would start: a path (relative to the project) that is an executable file, or a name on PATH. */
async function findExecutable(program: string, root: string): Promise<boolean> {
  if (process.platform === 'win32') return true; // PATHEXT rules: left to the spawn
  const executable = async (candidate: string) => {
    try {
      await access(candidate, constants.X_OK);
      return !(await stat(candidate)).isDirectory();
    } catch {
      return false;
    }
  };
  if (program.includes('/')) return executable(resolve(root, program));
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && (await executable(join(dir, program)))) return true;
  return false;
}

/** A file mlci.yml names that a stage will read: missing or a directory is a problem at that line. */
async function mustExist(config: MlciConfig, path: Path, absolute: string, at: (path: Path, error: unknown) => void): Promise<void> {
  const shown = relative(config.root, absolute) || absolute;
  const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) {
    const missing = info.code === 'ENOENT' || info.code === 'ENOTDIR';
    at(
      path,
      new MlciError('input', missing ? `file "${shown}" does not exist` : `file "${shown}" cannot be read (${info.code})`, {
        hint: `paths in mlci.yml are relative to its directory (${config.root})`,
      }),
    );
  } else if (info.isDirectory()) {
    at(path, new MlciError('input', `"${shown}" is a directory, expected a file`, { hint: 'name the file itself' }));
  }
}
