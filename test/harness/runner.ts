/**
 * Runs a bundled action (dist/actions/<name>.js) as a child process with the environment a GitHub runner
 * gives it, then reads back what a runner would: outputs, step summary, annotations, exit code.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');
/** Where bundles are read from: dist/ by default; MLCI_DIST points at a private build (`node scripts/build.mjs --out DIR`). */
export const distDir = process.env.MLCI_DIST ? resolve(process.env.MLCI_DIST) : join(repoRoot, 'dist');

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties: Record<string, string>;
}

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  annotations: Annotation[];
  /** The runner's temp directory for this run (RUNNER_TEMP). */
  runnerTemp: string;
}

export interface ActionRunOptions {
  /** Inputs by their action.yml name; become INPUT_<NAME> as the runner spells them. */
  inputs?: Record<string, string>;
  /** The workspace (GITHUB_WORKSPACE and the working directory); a fresh temp dir by default. */
  workspace?: string;
  /** The webhook payload written to GITHUB_EVENT_PATH. */
  event?: unknown;
  eventName?: string;
  /** Extra environment, applied last. */
  env?: Record<string, string>;
  /** Main entry by default; 'post' runs the action's post step where one exists. */
  entry?: string;
}

/** The runner's rule: INPUT_ + name upper-cased with spaces replaced by underscores (dashes stay). */
export const inputEnvName = (name: string) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

/** Parses GITHUB_OUTPUT / GITHUB_ENV files: `name=value` lines and `name<<DELIM` heredocs. */
export function parseCommandFile(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i]);
      result[name] = body.join('\n');
    } else {
      const eq = line.indexOf('=');
      if (eq > 0) result[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return result;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

/** Reads `::error file=a,line=3::message` workflow commands from a step's stdout. */
export function parseAnnotations(stdout: string): Annotation[] {
  const annotations: Annotation[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^::(error|warning|notice)( [^:]*)?::(.*)$/.exec(line.trimEnd());
    if (!match) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').trim().split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
    annotations.push({ level: match[1] as Annotation['level'], message: unescapeData(match[3]), properties });
  }
  return annotations;
}

export async function runAction(name: string, options: ActionRunOptions = {}): Promise<ActionRun> {
  const bundle = join(distDir, 'actions', `${name}.js`);
  if (!existsSync(bundle)) throw new Error(`no bundle at ${bundle}: run \`npm run build\``);
  const runnerTemp = await mkdtemp(join(tmpdir(), 'mlci-runner-'));
  const workspace = options.workspace ?? join(runnerTemp, 'workspace');
  await mkdir(workspace, { recursive: true });
  const files = {
    GITHUB_OUTPUT: join(runnerTemp, 'output'),
    GITHUB_STEP_SUMMARY: join(runnerTemp, 'summary.md'),
    GITHUB_ENV: join(runnerTemp, 'env'),
    GITHUB_STATE: join(runnerTemp, 'state'),
    GITHUB_PATH: join(runnerTemp, 'path'),
    GITHUB_EVENT_PATH: join(runnerTemp, 'event.json'),
  };
  for (const f of Object.values(files)) await writeFile(f, '');
  await writeFile(files.GITHUB_EVENT_PATH, JSON.stringify(options.event ?? {}));
  const inputs = Object.fromEntries(Object.entries(options.inputs ?? {}).map(([k, v]) => [inputEnvName(k), v]));
  // Start from a clean slate: nothing from the developer's own environment that a runner would not set.
  const baseEnv: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? runnerTemp, LANG: 'C.UTF-8' };
  const env = {
    ...baseEnv,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_EVENT_NAME: options.eventName ?? 'pull_request',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/pull/1/merge',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'test',
    GITHUB_ACTION: name,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    ...files,
    ...inputs,
    ...options.env,
  };
  const child = spawn(process.execPath, [bundle], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exitCode: number = await new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done(code ?? 1));
  });
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseCommandFile(await readFile(files.GITHUB_OUTPUT, 'utf8')),
    summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
    annotations: parseAnnotations(stdout),
    runnerTemp,
  };
}
