import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { stringify } from 'yaml';
import { fileError, inputError } from '@mlci/core';
import { loadConfig } from '@mlci/core/config';
import { inferSchema, type TableSchema } from '@mlci/data';
import { assertModelName } from '@mlci/registry';
import { StagedFiles } from './staged-files';

const DATA_EXTENSIONS = new Set(['.csv', '.tsv', '.jsonl', '.ndjson', '.parquet']);
const SKIP = new Set(['node_modules', '.git', '.mlci', '.venv', 'venv', 'dist', 'out', 'mlruns', '__pycache__', '.dvc']);
const TRAIN_SCRIPTS = ['train.py', 'src/train.py', 'scripts/train.py', 'train.R', 'train.sh'];
const TARGET_NAMES = ['target', 'label', 'labels', 'y', 'class', 'species', 'outcome'];

/**
 * A registry model name (letters, digits, `-`, `_`; starting with a letter or digit; at most 100 characters:
 * @mlci/registry's names.ts) derived from the repository's directory name: lower-cased, every run of other
 * characters (`.`, spaces, …) turned into one `-`, trimmed of leading and trailing `-`/`_`. `my.project`
 * becomes `my-project`; a name with nothing usable left becomes `model`.
 */
export function modelNameFor(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, 100)
    .replace(/^[-_]+|[-_]+$/g, '');
  return assertModelName(name || 'model');
}

export interface InitOptions {
  /** The repository to look at and write mlci.yml into. */
  dir: string;
  /** Overwrite an existing mlci.yml. @default false */
  force?: boolean;
}

export interface InitResult {
  file: string;
  datasets: string[];
  schemas: string[];
  trainCommand: string[] | null;
  notes: string[];
}

async function findDataFiles(dir: string, root: string, notes: string[], depth = 0): Promise<string[]> {
  if (depth > 3) return [];
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await findDataFiles(path, root, notes, depth + 1)));
    else if (DATA_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
      // A FIFO or device named like data would block the read (or never end): only regular files are data.
      const regular =
        entry.isFile() ||
        (entry.isSymbolicLink() &&
          (await stat(path).then(
            (s) => s.isFile(),
            () => false,
          )));
      if (regular) found.push(relative(root, path));
      else notes.push(`${relative(root, path)} skipped: not a regular file`);
    }
  }
  return found.sort();
}

/** The directory `mlci init` looks at, refused with a hint when it is missing or not a directory. */
async function checkDir(dir: string): Promise<void> {
  let info;
  try {
    info = await stat(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw inputError('the directory does not exist', {
        file: dir,
        hint: '--dir names the repository to look at: create it first, or pass an existing directory',
      });
    throw fileError(dir, error);
  }
  if (!info.isDirectory())
    throw inputError('is not a directory', { file: dir, hint: '--dir names the repository to look at (a directory), not a file in it' });
}

const isReference = (path: string) => /(^|[/_.-])(ref|reference|baseline|champion)([/_.-]|$)/i.test(path);
/** Data a deployed model saw (the drift monitor's input), not data to train on. */
const isProduction = (path: string) => /(^|[/_.-])(prod|production|live|serving)([/_.-]|$)/i.test(path);

/**
 * Writes a starting mlci.yml by looking at the repository, as `mlci init` does: the data files (each gets an
 * inferred Table Schema), a reference when a file is named like one, the training script, params.yaml, a
 * likely target column. The file it writes is loaded back through the same loader `mlci run` uses.
 */
export async function initProject(options: InitOptions): Promise<InitResult> {
  await checkDir(options.dir);
  const file = join(options.dir, 'mlci.yml');
  if (existsSync(file) && !options.force)
    throw inputError('mlci.yml already exists', { file, hint: 'edit it, or pass --force to replace it' });
  const notes: string[] = [];
  const dataFiles = await findDataFiles(options.dir, options.dir, notes);
  const references = dataFiles.filter(isReference);
  const primaries = dataFiles.filter((f) => !isReference(f) && !isProduction(f));
  if (dataFiles.length === 0) notes.push('no data files (.csv, .tsv, .jsonl, .parquet) found: add datasets by hand');
  const datasets: Record<string, Record<string, unknown>> = {};
  // Every schema is inferred before anything is written: a bad data file stops init with no file written.
  const inferred: Array<[string, TableSchema]> = [];
  for (const path of primaries.slice(0, 5)) {
    const name = basename(path, extname(path)).replace(/[^A-Za-z0-9_-]/g, '_');
    const schemaPath = join('schemas', `${name}.schema.json`);
    const schema = await inferSchema(join(options.dir, path));
    inferred.push([schemaPath, schema]);
    const target = schema.fields.map((f) => f.name).find((c) => TARGET_NAMES.includes(c.toLowerCase()));
    const reference = references.find((r) => extname(r) === extname(path));
    datasets[name] = { path, schema: schemaPath, ...(reference ? { reference } : {}), ...(target ? { target } : {}) };
  }
  if (primaries.length > 5) notes.push(`${primaries.length - 5} more data files not added`);
  const script = TRAIN_SCRIPTS.find((s) => existsSync(join(options.dir, s)));
  const trainCommand = script
    ? script.endsWith('.py')
      ? ['python3', script]
      : script.endsWith('.R')
        ? ['Rscript', script]
        : ['bash', script]
    : null;
  if (!trainCommand) notes.push('no training script found (train.py, src/train.py, …): add train.command by hand');
  if (existsSync(join(options.dir, 'requirements.txt')))
    notes.push('requirements.txt found: install it before `mlci run` (pip install -r requirements.txt)');
  const config: Record<string, unknown> = { version: 1, project: basename(options.dir) };
  if (Object.keys(datasets).length) config.datasets = datasets;
  if (trainCommand)
    config.train = { command: trainCommand, ...(existsSync(join(options.dir, 'params.yaml')) ? { params: 'params.yaml' } : {}) };
  config.metrics = { accuracy: { direction: 'higher' }, val_loss: { direction: 'lower' } };
  config.gates = [];
  config.model = { name: modelNameFor(options.dir), artifact: 'model' };
  const header = [
    '# mlci.yml: the ML loop of this repository, declared once. Written by `mlci init`; review it, then `mlci run`.',
    '# metrics: declare the ones your script logs (direction, threshold); gates: assertions such as',
    '#   - val_loss < 1.2 * train_loss',
    '',
  ].join('\n');
  const staged = new StagedFiles();
  try {
    for (const [schemaPath, schema] of inferred) await staged.add(join(options.dir, schemaPath), JSON.stringify(schema, null, 2) + '\n');
    const temp = await staged.add(file, header + stringify(config));
    await loadConfig(temp); // what `mlci run` will read: fail here, not later, and before anything is in place
    await staged.commit();
  } catch (error) {
    await staged.abort();
    if (!(error as NodeJS.ErrnoException).code) throw error;
    throw inputError(`cannot write mlci.yml and its schemas: ${(error as Error).message}`, {
      file: options.dir,
      hint: 'make the directory writable (and check the disk has space), then run init again; nothing was written',
    });
  }
  return {
    file,
    datasets: Object.values(datasets).map((d) => String(d.path)),
    schemas: inferred.map(([schemaPath]) => schemaPath),
    trainCommand,
    notes,
  };
}
