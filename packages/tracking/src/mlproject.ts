/**
 * MLflow Projects: reads an MLproject file, validates `-P key=value` against an entry point's typed
 * parameters (defaults applied), and builds the command as argv. The command template is split into words
 * first (POSIX-style quotes, no expansion) and values are substituted into the words afterwards, so a value
 * can never become a second argument or shell syntax.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileError, inputError, parseYaml, usageError } from '@mlci/core';

export type MlprojectParamType = 'string' | 'float' | 'int' | 'path' | 'uri';

export interface MlprojectOptions {
  /** Directory holding the MLproject file (or the file itself). @default the current directory */
  dir?: string;
  /** Entry point name. @default 'main' */
  entryPoint?: string;
  /** `key=value` strings as given with -P. Unknown keys are appended as `--key value`, as MLflow does. */
  params?: string[];
}

/**
 * The software environment an MLproject asks for: `python_env: FILE` (a python_env.yaml), `conda_env: FILE`
 * (a conda.yaml) or `docker_env: {image}`. An MLproject naming none uses `python_env.yaml`, else `conda.yaml`,
 * found beside it (MLflow's convention); with neither, `none` (the command runs in the current environment).
 */
export interface MlprojectEnvironment {
  kind: 'python_env' | 'conda' | 'docker' | 'none';
  /** Absolute path of the environment file (python_env / conda). */
  file?: string;
  /** The image of a docker_env. */
  image?: string;
}

export interface MlprojectCommand {
  /** The MLproject file read. */
  file: string;
  /** Directory the command must run in (the MLproject's directory). */
  dir: string;
  entryPoint: string;
  command: string[];
  /** Every parameter's final value (defaults applied), as recorded run params. */
  params: Record<string, string>;
  /** The environment the project asks for (built by `prepareMlprojectEnv`). */
  environment: MlprojectEnvironment;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the MLproject document, read field by field
function environmentOf(doc: any, file: string, dir: string): MlprojectEnvironment {
  const named = ['python_env', 'conda_env', 'docker_env'].filter((k) => doc?.[k] !== undefined && doc?.[k] !== null);
  if (named.length > 1)
    throw inputError(`MLproject names more than one environment (${named.join(', ')})`, { file, hint: 'keep one of them' });
  const path = (key: string) => {
    const value = doc[key];
    if (typeof value !== 'string' || !value.trim())
      throw inputError(`MLproject's ${key} must be the path of a file, relative to the MLproject`, { file });
    const full = resolve(dir, value);
    if (!existsSync(full))
      throw inputError(`MLproject's ${key} names ${value}, which does not exist`, {
        file,
        hint: `create ${full}, or remove ${key} from the MLproject`,
      });
    return full;
  };
  if (named[0] === 'python_env') return { kind: 'python_env', file: path('python_env') };
  if (named[0] === 'conda_env') return { kind: 'conda', file: path('conda_env') };
  if (named[0] === 'docker_env') {
    const image = doc.docker_env?.image;
    if (typeof image !== 'string' || !image) throw inputError("MLproject's docker_env needs an image", { file });
    return { kind: 'docker', image };
  }
  if (existsSync(join(dir, 'python_env.yaml'))) return { kind: 'python_env', file: join(dir, 'python_env.yaml') };
  if (existsSync(join(dir, 'conda.yaml'))) return { kind: 'conda', file: join(dir, 'conda.yaml') };
  return { kind: 'none' };
}

/** Splits a command template into words like a POSIX shell would (quotes, backslashes), without expanding anything. */
export function splitWords(template: string, file?: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < template.length && '"\\$`'.includes(template[i + 1])) word += template[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < template.length) {
      if (template[i + 1] !== '\n') word += template[i + 1];
      i++;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if ('|&;<>$`'.includes(c)) {
      throw inputError(`the command uses shell syntax "${c}", which mlci does not run (it runs argv, never a shell)`, {
        file,
        hint: 'wrap it in a script (e.g. `bash run.sh {param}`) or quote the character',
      });
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw inputError(`unterminated ${quote} quote in the command`, { file });
  if (inWord) words.push(word);
  return words;
}

interface ParamSpec {
  type: MlprojectParamType;
  default?: string;
}

function parseParamSpecs(raw: unknown, file: string, entry: string): Record<string, ParamSpec> {
  const specs: Record<string, ParamSpec> = {};
  if (raw === undefined || raw === null) return specs;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw inputError(`entry point "${entry}": parameters must be a mapping`, { file });
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const spec = typeof value === 'string' ? { type: value } : (value as { type?: string; default?: unknown });
    const type = (spec?.type ?? 'string') === 'integer' ? 'int' : (spec?.type ?? 'string');
    if (!['string', 'float', 'int', 'path', 'uri'].includes(type))
      throw inputError(`entry point "${entry}": parameter "${name}" has unknown type "${type}"`, {
        file,
        hint: 'types: string, float, int, path, uri',
      });
    specs[name] = {
      type: type as MlprojectParamType,
      default: spec && typeof spec === 'object' && 'default' in spec && spec.default !== null ? String(spec.default) : undefined,
    };
  }
  return specs;
}

function checkValue(name: string, spec: ParamSpec, value: string, dir: string): string {
  if (spec.type === 'float' && !Number.isFinite(Number(value))) throw usageError(`parameter "${name}" must be a float, got "${value}"`);
  if (spec.type === 'int' && !/^[+-]?\d+$/.test(value)) throw usageError(`parameter "${name}" must be an integer, got "${value}"`);
  // MLflow resolves relative paths against the project directory.
  if (spec.type === 'path' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !isAbsolute(value)) return resolve(dir, value);
  return value;
}

export async function loadMlproject(options: MlprojectOptions = {}): Promise<MlprojectCommand> {
  const given = resolve(options.dir ?? '.');
  const file = given.endsWith('MLproject') ? given : join(given, 'MLproject');
  const dir = resolve(file, '..');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the MLproject document is read field by field with checks below
  let doc: any;
  try {
    doc = parseYaml(await readFile(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code) throw fileError(file, error);
    throw inputError(`MLproject is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { file });
  }
  const entryName = options.entryPoint ?? 'main';
  const entries = doc?.entry_points ?? {};
  const entry = entries[entryName];
  if (!entry || typeof entry.command !== 'string') {
    throw usageError(
      `MLproject has no entry point "${entryName}" with a command`,
      `entry points: ${Object.keys(entries).join(', ') || '(none)'}`,
    );
  }
  const specs = parseParamSpecs(entry.parameters, file, entryName);
  const given_: Record<string, string> = {};
  for (const pair of options.params ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw usageError(`-P takes key=value, got "${pair}"`);
    given_[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = given_[name] ?? spec.default;
    if (value === undefined)
      throw usageError(
        `MLproject entry point "${entryName}" needs parameter "${name}" (${spec.type}), which has no default`,
        `pass it with -P ${name}=VALUE`,
      );
    values[name] = checkValue(name, spec, value, dir);
  }
  const words = splitWords(entry.command, file).map((word) =>
    word.replace(/\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g, (whole, name: string) => {
      if (!(name in values))
        throw inputError(`the command of entry point "${entryName}" uses {${name}}, which is not a declared parameter`, { file });
      return values[name];
    }),
  );
  const extra = Object.entries(given_).filter(([k]) => !(k in specs));
  for (const [k, v] of extra) {
    words.push(`--${k}`, v);
    values[k] = v;
  }
  return { file, dir, entryPoint: entryName, command: words, params: values, environment: environmentOf(doc, file, dir) };
}
