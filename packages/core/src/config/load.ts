import { dirname, resolve } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { isMap, isNode, isScalar } from 'yaml';
import { MlciError, inputError } from '../errors';
import { readYamlFile, type ParsedYaml } from '../yaml';
import { MLCI_CONFIG_SCHEMA } from './schema';

export interface DatasetConfig {
  path: string;
  schema?: string;
  reference?: string;
  target?: string;
  delimiter?: string;
  drift?: Record<string, unknown>;
}

export interface MetricConfig {
  direction?: 'higher' | 'lower';
  threshold?: number;
  min_absolute_change?: number;
  min_relative_change?: number;
  gate?: boolean;
}

/** mlci.yml as written, with every path resolved against the file's directory. */
export interface MlciConfig {
  version: 1;
  project?: string;
  datasets: Record<string, DatasetConfig>;
  train?: { command: string[]; data?: string[]; params?: string; metrics?: string; name?: string; 'select-run'?: string };
  metrics: Record<string, MetricConfig>;
  gates: string[];
  model?: { name: string; artifact?: string; alias?: string; promote?: 'improved' | 'always' };
  /** Backends (see @mlci/store resolveBackend). @default 'auto' */
  store: 'auto' | 'github' | 'local';
  registry: 'auto' | 'github' | 'local';
  /** After a failed validation: stop (default) or continue with training. */
  onFail: 'stop' | 'continue';
  /** Branch whose runs are `main` in comparisons; absent: the repository's default branch, else main. */
  defaultBranch?: string;
  /** Absolute path of the file read. */
  file: string;
  /** Absolute directory paths are relative to. */
  root: string;
}

let validateConfig: ReturnType<Ajv['compile']> | undefined;

/** Splits a command string into words the way a shell would for plain words and quotes, with no expansion. */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < command.length) current += command[++i];
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch === '\\' && i + 1 < command.length ? command[++i] : ch;
      inWord = true;
    }
  }
  if (quote)
    throw new MlciError('input', `unterminated ${quote} quote in command: ${command}`, {
      hint: 'close the quote, or write the command as a YAML list',
    });
  if (inWord) words.push(current);
  return words;
}

/** Reads and validates mlci.yml. Errors name the file, the line and the property at fault. */
export async function loadConfig(file: string): Promise<MlciConfig> {
  const path = resolve(file);
  // Read under the one YAML policy: size cap before reading, alias limit, core tags, file:line errors.
  const parsed = await readYamlFile(file);
  const { doc, lineCounter } = parsed;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parsed YAML is checked against the JSON Schema above before any field is trusted
  const data = (parsed.value ?? {}) as Record<string, any>;
  validateConfig ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(MLCI_CONFIG_SCHEMA);
  if (!validateConfig(data)) {
    // An unknown key is usually a typo of the one reported missing: name the typo, it is the fix.
    const errors = (validateConfig.errors ?? []) as ErrorObject[];
    const error = errors.find((e) => e.keyword === 'additionalProperties') ?? errors[0];
    const pathParts = error.instancePath
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let node: unknown = pathParts.length ? doc.getIn(pathParts, true) : doc.contents;
    if (error.keyword === 'additionalProperties' && isMap(node)) {
      // Point at the unknown key itself, not at the mapping that holds it.
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      node = node.items.find((pair) => isScalar(pair.key) && pair.key.value === extra)?.key ?? node;
    }
    const line = isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : undefined;
    const where = pathParts.length ? pathParts.join('.') : 'the top level';
    const detail =
      error.keyword === 'additionalProperties'
        ? `unknown property "${(error.params as { additionalProperty: string }).additionalProperty}"`
        : error.message;
    // A value of the wrong shape: the property's own description says what it takes.
    const described =
      error.keyword !== 'additionalProperties' ? (error.parentSchema as { description?: string } | undefined)?.description : undefined;
    throw inputError(`${where}: ${detail}`, { file, line, hint: described ?? 'see docs/mlci-yml.md for what each property takes' });
  }
  const root = dirname(path);
  const datasets: Record<string, DatasetConfig> = {};
  for (const [name, d] of Object.entries((data.datasets ?? {}) as Record<string, DatasetConfig>)) {
    datasets[name] = {
      ...d,
      path: resolve(root, d.path),
      schema: d.schema ? resolve(root, d.schema) : undefined,
      reference: d.reference ? resolve(root, d.reference) : undefined,
    };
  }
  const train = data.train
    ? {
        ...data.train,
        command: Array.isArray(data.train.command) ? data.train.command : splitCommand(data.train.command),
        params: data.train.params ? resolve(root, data.train.params) : undefined,
        metrics: data.train.metrics ? resolve(root, data.train.metrics) : undefined,
      }
    : undefined;
  const config: MlciConfig = {
    version: 1,
    project: data.project,
    datasets,
    train,
    metrics: data.metrics ?? {},
    gates: data.gates ?? [],
    model: data.model,
    store: data.store ?? 'auto',
    registry: data.registry ?? 'auto',
    onFail: data['on-fail'] ?? 'stop',
    defaultBranch: data.default_branch,
    file: path,
    root,
  };
  sources.set(config, parsed);
  return config;
}

/** Where each loaded config came from, for checks after loading that point at a line. */
const sources = new WeakMap<MlciConfig, ParsedYaml>();

/** The 1-based line in mlci.yml of the value at `path` (e.g. ['gates', 2] or ['model', 'name']), when known. */
export function configLine(config: MlciConfig, path: ReadonlyArray<string | number>): number | undefined {
  return sources.get(config)?.lineOf(path);
}
