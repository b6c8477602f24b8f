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
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { Emulator } from '../github-emulator/index';

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
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: repo, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'workflow fixture');
  git('remote', 'add', 'origin', `https://github.com/${gh.state.owner}/${gh.state.repo}.git`);

  const pr = gh.state.issues.find((i) => i.pull);
  const payload = options.payload ?? (event === 'pull_request' && pr
    ? { action: 'synchronize', number: pr.number, pull_request: { number: pr.number, head: { ref: pr.pull!.head, sha: pr.pull!.headSha }, base: { ref: pr.pull!.base, sha: pr.pull!.baseSha } }, repository: { full_name: `${gh.state.owner}/${gh.state.repo}`, name: gh.state.repo, owner: { login: gh.state.owner } } }
    : { repository: { full_name: `${gh.state.owner}/${gh.state.repo}`, name: gh.state.repo, owner: { login: gh.state.owner } } });
  const eventFile = join(work, 'event.json');
  writeFileSync(eventFile, JSON.stringify(payload));

  const token = options.token ?? 'ghs_test_write';
  const jobEnv = gh.jobEnv(undefined, token);
  const env: Record<string, string> = {
    GITHUB_API_URL: jobEnv.GITHUB_API_URL!, ACTIONS_RESULTS_URL: jobEnv.ACTIONS_RESULTS_URL!, ACTIONS_RUNTIME_TOKEN: jobEnv.ACTIONS_RUNTIME_TOKEN!,
    GITHUB_RUN_ID: jobEnv.GITHUB_RUN_ID!, ...(options.env ?? {}),
  };
  const args = [
    event, '-W', join(repo, options.workflow), '-e', eventFile, '-P', 'ubuntu-latest=-self-hosted', '--no-cache-server',
    '--action-cache-path', join(work, 'act-cache'), '-s', `GITHUB_TOKEN=${token}`,
    ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    ...(options.job ? ['-j', options.job] : []),
  ];
  const started = Date.now();
  const { exitCode, output } = await new Promise<{ exitCode: number; output: string }>((done) => {
    const child = spawn(act, args, { cwd: repo, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ exitCode: code ?? 1, output });
    });
  });
  const summary = [...output.matchAll(/⚙ {2}Summary - (.*)$/gm)].map((m) => m[1]!).join('\n');
  return { exitCode, output, summary, runId: Number(jobEnv.GITHUB_RUN_ID), durationMs: Date.now() - started };
}
