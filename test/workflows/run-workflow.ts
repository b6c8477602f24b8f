/**
 * Runs a workflow file for real on this machine with nektos/act (`-P ubuntu-latest=-self-hosted`: steps run
 * on the host), pointed at the GitHub emulator: GITHUB_API_URL, GITHUB_TOKEN and the Actions results service
 * (ACTIONS_RESULTS_URL / ACTIONS_RUNTIME_TOKEN) all lead to it, so act's own artifact server is not used and
 * @actions/artifact 6.x works unchanged.
 *
 * The project directory is copied into a fresh git repository whose `origin` is the emulator's repository
 * (act derives GITHUB_REPOSITORY from it); a workflow needs `actions/checkout` as its first step, which act
 * satisfies by copying that repository into the job's workspace.
 *
 * act is found through $MLCI_ACT, then PATH, then $(go env GOPATH)/bin; `findAct()` answers undefined
 * when none exists (install: `go install github.com/nektos/act@latest`).
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join, resolve } from 'node:path';
import { addWorkflowRun, type Emulator } from '../github-emulator/index';

export interface WorkflowRunOptions {
  /** Directory holding the repository's files (with `.github/workflows/`). Copied, never changed. */
  projectDir: string;
  /** Workflow file, relative to `projectDir`, e.g. `.github/workflows/ci.yml`. */
  workflow: string;
  /** Event name. @default 'pull_request' */
  event?: string;
  /** Event payload (GITHUB_EVENT_PATH). @default for pull_request: PR #1 of the emulator's seed */
  payload?: Record<string, unknown>;
  emulator: Emulator;
  /** GITHUB_TOKEN the job gets. @default 'ghs_test_write' */
  token?: string;
  /** Extra environment for every step (act `--env`). */
  env?: Record<string, string>;
  /** Only this job. @default all jobs */
  job?: string;
  /** Give up after this long. @default 120000 */
  timeoutMs?: number;
}

export interface WorkflowRunResult {
  exitCode: number;
  /** act's combined log. */
  output: string;
  /** The job summary lines act reported (`GITHUB_STEP_SUMMARY`), joined by newlines. */
  summary: string;
  /** The emulator's workflow run this job belonged to (its artifacts land there). */
  runId: number;
  durationMs: number;
}

export function findAct(): string | undefined {
  const candidates = [process.env.MLCI_ACT, ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'act'))];
  try {
    candidates.push(join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(), 'bin', 'act'));
  } catch {
    // no Go toolchain: only PATH and MLCI_ACT count
  }
  return candidates.find((c): c is string => Boolean(c) && existsSync(c!));
}

export async function runWorkflow(options: WorkflowRunOptions): Promise<WorkflowRunResult> {
  const act = findAct();
  if (!act) throw new Error('nektos/act not found: run `go install github.com/nektos/act@latest` or set MLCI_ACT');
  const gh = options.emulator;
  const event = options.event ?? 'pull_request';
  const work = mkdtempSync(join(tmpdir(), 'mlci-workflow-'));
  const repo = join(work, 'repo');
  cpSync(resolve(options.projectDir), repo, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: repo, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'workflow fixture');
  git('remote', 'add', 'origin', `https://github.com/${gh.state.owner}/${gh.state.repo}.git`);

  const pr = gh.state.issues.find((i) => i.pull);
  const payload =
    options.payload ??
    (event === 'pull_request' && pr
      ? {
          action: 'synchronize',
          number: pr.number,
          pull_request: {
            number: pr.number,
            head: { ref: pr.pull!.head, sha: pr.pull!.headSha },
            base: { ref: pr.pull!.base, sha: pr.pull!.baseSha },
          },
          repository: { full_name: `${gh.state.owner}/${gh.state.repo}`, name: gh.state.repo, owner: { login: gh.state.owner } },
        }
      : { repository: { full_name: `${gh.state.owner}/${gh.state.repo}`, name: gh.state.repo, owner: { login: gh.state.owner } } });
  const eventFile = join(work, 'event.json');
  writeFileSync(eventFile, JSON.stringify(payload));

  const token = options.token ?? 'ghs_test_write';
  const jobEnv = gh.jobEnv(undefined, token);
  const env: Record<string, string> = {
    GITHUB_API_URL: jobEnv.GITHUB_API_URL!,
    ACTIONS_RESULTS_URL: jobEnv.ACTIONS_RESULTS_URL!,
    ACTIONS_RUNTIME_TOKEN: jobEnv.ACTIONS_RUNTIME_TOKEN!,
    GITHUB_RUN_ID: jobEnv.GITHUB_RUN_ID!,
    ...(options.env ?? {}),
  };
  const args = [
    event,
    '-W',
    join(repo, options.workflow),
    '-e',
    eventFile,
    '-P',
    'ubuntu-latest=-self-hosted',
    '--no-cache-server',
    '--action-cache-path',
    join(work, 'act-cache'),
    '-s',
    `GITHUB_TOKEN=${token}`,
    ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    ...(options.job ? ['-j', options.job] : []),
  ];
  const started = Date.now();
  const { exitCode, output } = await spawnAct(act, args, repo, options.timeoutMs ?? 120_000);
  const summary = [...output.matchAll(/⚙ {2}Summary - (.*)$/gm)].map((m) => m[1]!).join('\n');
  return { exitCode, output, summary, runId: Number(jobEnv.GITHUB_RUN_ID), durationMs: Date.now() - started };
}

/**
 * A user's repository for act: `projectDir`'s files plus the shipped workflow files, unchanged, under
 * `.github/workflows/`, committed on `branch` with `origin` the emulator's repository. Later commits and tags
 * are made with `git()`; `sha()` is HEAD.
 */
export interface ActRepository {
  dir: string;
  git(...args: string[]): string;
  sha(): string;
}

export function actRepository(projectDir: string, workflows: string[], gh: Emulator, branch = 'main'): ActRepository {
  const dir = join(mkdtempSync(join(tmpdir(), 'mlci-act-repo-')), 'repo');
  cpSync(resolve(projectDir), dir, { recursive: true });
  mkdirSync(join(dir, '.github/workflows'), { recursive: true });
  for (const w of workflows) cpSync(resolve(repoRootDir, w), join(dir, '.github/workflows', basename(w)));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', branch);
  git('add', '-A');
  git('commit', '-q', '-m', "the user's repository");
  git('remote', 'add', 'origin', `https://github.com/${gh.state.owner}/${gh.state.repo}.git`);
  return { dir, git, sha: () => git('rev-parse', 'HEAD').trim() };
}

const repoRootDir = resolve(import.meta.dirname, '../..');
const setupPythonStub = join(import.meta.dirname, 'act-stubs/setup-python');

/** `--local-repository` for every `uses:` of the workflow act would fetch: mlci from this checkout, setup-python a no-op. */
function localRepositories(workflowFile: string): string[] {
  const text = readFileSync(workflowFile, 'utf8');
  const flags: string[] = [];
  for (const [, uses] of text.matchAll(/uses:\s*([^\s#]+)/g)) {
    const m = /^(mlci-dev\/mlci|actions\/setup-python)(?:\/[^@]*)?@(\S+)$/.exec(uses!);
    if (!m) continue;
    flags.push('--local-repository', `${m[1]}@${m[2]}=${m[1] === 'mlci-dev/mlci' ? repoRootDir : setupPythonStub}`);
  }
  return dedupePairs(flags);
}
/** Flag/value pairs with repeated values dropped (a workflow names the same action in several steps). */
function dedupePairs(flags: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (let i = 0; i < flags.length; i += 2) {
    const value = flags[i + 1]!;
    if (seen.has(value)) continue;
    seen.add(value);
    out.push(flags[i]!, value);
  }
  return out;
}

export interface ActRunOptions {
  repo: ActRepository;
  /** File name under .github/workflows/. */
  workflow: string;
  event: string;
  payload: Record<string, unknown>;
  emulator: Emulator;
  /** The branch (or tag name) the emulator's workflow run is recorded on. */
  headBranch: string;
  token?: string;
  env?: Record<string, string>;
  job?: string;
  timeoutMs?: number;
}

/**
 * Runs a shipped workflow of an ActRepository with act, as GitHub would for `event`: the emulator records the
 * workflow run (event, head branch, HEAD's sha) that the job's artifacts hang on, completed with act's result.
 */
export async function runAct(options: ActRunOptions): Promise<WorkflowRunResult> {
  const act = findAct();
  if (!act) throw new Error('nektos/act not found: run `go install github.com/nektos/act@v0.2.89` or set MLCI_ACT');
  const gh = options.emulator;
  const sha = options.repo.sha();
  if (!gh.state.commits.has(sha))
    gh.state.commits.set(sha, { sha, message: 'pushed by the test', parents: [], tree: sha, date: new Date().toISOString() });
  const file = join(options.repo.dir, '.github/workflows', options.workflow);
  const run = addWorkflowRun(gh.state, {
    name: String(/^name:\s*(.+)$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? options.workflow),
    path: `.github/workflows/${options.workflow}`,
    event: options.event,
    head_sha: sha,
    head_branch: options.headBranch,
  });
  const work = mkdtempSync(join(tmpdir(), 'mlci-act-'));
  const eventFile = join(work, 'event.json');
  writeFileSync(eventFile, JSON.stringify(options.payload));
  const token = options.token ?? 'ghs_test_write';
  const jobEnv = gh.jobEnv(run, token);
  const env: Record<string, string> = {
    GITHUB_API_URL: jobEnv.GITHUB_API_URL!,
    ACTIONS_RESULTS_URL: jobEnv.ACTIONS_RESULTS_URL!,
    ACTIONS_RUNTIME_TOKEN: jobEnv.ACTIONS_RUNTIME_TOKEN!,
    GITHUB_RUN_ID: jobEnv.GITHUB_RUN_ID!,
    GITHUB_RUN_NUMBER: jobEnv.GITHUB_RUN_NUMBER!,
    ...(options.env ?? {}),
  };
  const args = [
    options.event,
    '-W',
    file,
    '-e',
    eventFile,
    '-P',
    'ubuntu-latest=-self-hosted',
    '--no-cache-server',
    '--action-cache-path',
    join(work, 'act-cache'),
    '-s',
    `GITHUB_TOKEN=${token}`,
    ...localRepositories(file),
    ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    ...(options.job ? ['-j', options.job] : []),
  ];
  const started = Date.now();
  const { exitCode, output } = await spawnAct(act, args, options.repo.dir, options.timeoutMs ?? 300_000);
  run.status = 'completed';
  run.conclusion = exitCode === 0 ? 'success' : 'failure';
  const summary = [...output.matchAll(/⚙ {2}Summary - (.*)$/gm)].map((m) => m[1]!).join('\n');
  return { exitCode, output, summary, runId: run.id, durationMs: Date.now() - started };
}

/** Runs act to completion (stopped after `timeoutMs`), its stdout and stderr as one log. */
function spawnAct(act: string, args: string[], cwd: string, timeoutMs: number): Promise<{ exitCode: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(act, args, { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ exitCode: code ?? 1, output });
    });
  });
}
