/**
 * Runs a workflow file on this machine the way a GitHub-hosted runner would, against the GitHub emulator.
 * (The project's own harness; nektos/act is the alternative, see README in this folder's tests.)
 *
 * - Jobs run one after another in `needs:` order; `strategy.matrix` expands to one job per combination
 *   (include/exclude honoured; two at a time by default), all of which finish before a job that needs them.
 *   Job `if:` and `outputs:`.
 * - Each job gets a fresh copy of `projectDir` as GITHUB_WORKSPACE (as each job gets a fresh runner) and its
 *   own RUNNER_TEMP shared by its steps; each step gets fresh GITHUB_OUTPUT / GITHUB_STEP_SUMMARY /
 *   GITHUB_ENV / GITHUB_PATH files, read back after it (GITHUB_ENV and GITHUB_PATH carry to later steps).
 * - `run:` steps: the YAML's own script with `${{ }}` evaluated in it (as GitHub does), run by `bash -e`
 *   (`bash --noprofile --norc -eo pipefail` for `shell: bash`, `sh -e`, `python`), with the step's `env:`.
 * - `uses: mlci-dev/mlci@SHA` and `mlci-dev/mlci/actions/NAME@SHA` (and `./path` local actions): the
 *   action.yml of this repository; node runs its `runs.main` (dist/ mapped to $MLCI_DIST when set) with
 *   INPUT_* from `with:` after evaluation, defaults from action.yml.
 * - actions/checkout and actions/setup-python: no-ops (the workspace is the project; python3 is on PATH).
 *   actions/upload-artifact and actions/download-artifact: artifact-step.mjs, the real @actions/artifact
 *   client against the emulator's artifact service. Any other action fails the step, naming it.
 * - A failed step stops its job unless `continue-on-error`; later steps run only under `if: always()` /
 *   `failure()`. A failed job fails the run and skips the jobs needing it (unless their `if:` says otherwise).
 *
 * Nothing from an expression ever reaches a shell except through the workflow's own `run:` text or `env:`.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { addWorkflowRun, type Emulator } from '../github-emulator/index';
import { distDir, inputEnvName, parseAnnotations, parseCommandFile, repoRoot, type Annotation } from '../harness/runner';
import { condition, interpolate, truthy, evaluate, type Contexts, type StatusState, type Value } from './expressions';
import { resolveEvent, type ResolvedEvent } from './host-runner-events';
import { triggers, workflowEvents, type TriggerDecision } from './host-triggers';

export { globToRegExp, matchesFilter, triggers, type TriggerDecision, type TriggerEvent } from './host-triggers';

export interface WorkflowRunOptions {
  /** The workflow file (absolute, or relative to the repository root). */
  workflow: string;
  /** The repository's files as a checkout would give them; copied afresh for each job, never changed. */
  projectDir: string;
  /** The GitHub stand-in: GITHUB_API_URL, the artifact service and the workflow run live there. */
  emulator: Emulator;
  /**
   * Event name (GITHUB_EVENT_NAME). @default the first trigger under `on:`
   * When the workflow's `on:` filters would not start it for this event, nothing runs (see `conclusion`).
   */
  event?: string;
  /**
   * Webhook payload at GITHUB_EVENT_PATH. @default built from the emulator: push (ref, before, after, commits with
   * added/modified/removed, head_commit), the pull request's current head and base, the newest published release
   */
  payload?: Record<string, unknown>;
  /** pull_request: the PR's number in the emulator. @default payload.number, else the first open PR */
  pullRequest?: number;
  /** Activity type (payload.action, `types:` filters). @default 'synchronize' for pull_request, 'published' for release */
  action?: string;
  /** workflow_dispatch inputs (declared defaults fill the rest). */
  inputs?: Record<string, string | boolean>;
  /** GITHUB_TOKEN / github.token / secrets.GITHUB_TOKEN. @default 'ghs_test_write' */
  token?: string;
  /** More secrets (`secrets.NAME`). */
  secrets?: Record<string, string>;
  /** Configuration variables (`vars.NAME`). */
  vars?: Record<string, string>;
  /** GITHUB_REF. @default refs/pull/N/merge for pull_request, refs/tags/<tag_name> for release, else payload.ref or refs/heads/<default branch> */
  ref?: string;
  /** GITHUB_SHA. @default the PR head for pull_request, else the commit `ref` points at in the emulator (tags peeled) */
  sha?: string;
  /** Environment added to every step (after the runner's own, before the workflow's `env:`). */
  env?: Record<string, string>;
  /** Run only these jobs (their `needs` must be among them). @default all */
  jobs?: string[];
  /** Matrix instances of one job run at once, at most (GitHub runs them all; the strategy's max-parallel also bounds it). @default 2 */
  matrixParallel?: number;
  /** A step running longer is killed (with its process group) and fails. @default 300000 */
  stepTimeoutMs?: number;
}

export type StepOutcome = 'success' | 'failure' | 'skipped';

export interface StepResult {
  /** `name:`, else `uses:`, else the first line of `run:`. */
  name: string;
  id?: string;
  uses?: string;
  /** outcome before continue-on-error; conclusion after it (as the `steps` context has them). */
  outcome: StepOutcome;
  conclusion: StepOutcome;
  /** Exit code; null when skipped or killed. */
  exitCode: number | null;
  outputs: Record<string, string>;
  /** What the step wrote to GITHUB_STEP_SUMMARY. */
  summary: string;
  stdout: string;
  stderr: string;
  annotations: Annotation[];
  durationMs: number;
}

export type JobConclusion = 'success' | 'failure' | 'skipped' | 'cancelled';

export interface JobResult {
  /** The key under `jobs:`. */
  id: string;
  /** Display name: `name:` or the id, with the matrix values in parentheses. */
  name: string;
  matrix?: Record<string, Value>;
  conclusion: JobConclusion;
  outputs: Record<string, string>;
  steps: StepResult[];
  /** The job summary: every step's summary, in order. */
  summary: string;
  /** The job's workspace copy and RUNNER_TEMP, kept for the test to inspect. */
  workspace: string;
  runnerTemp: string;
  /** The `permissions:` in force (job's, else workflow's). */
  permissions: unknown;
  durationMs: number;
}

export interface WorkflowRunResult {
  /** `not-triggered`: the `on:` filters exclude the event, as GitHub would decide; no job ran and no workflow run was recorded. */
  conclusion: 'success' | 'failure' | 'not-triggered';
  /** Why it was not triggered (which filter), when it was not. */
  reason?: string;
  jobs: JobResult[];
  /** The emulator's workflow run id (GITHUB_RUN_ID; its artifacts hang there); 0 when not triggered. */
  runId: number;
  durationMs: number;
  /** The one job with this id (the first when matrixed). Throws when absent. */
  job(id: string): JobResult;
}

const GITHUB_ACTION_STUBS = /^actions\/(checkout|setup-python|setup-node|cache)@/;
const ARTIFACT_ACTIONS = /^actions\/(upload|download)-artifact@/;
const MLCI_ACTION = /^mlci-dev\/mlci(?:\/(.+?))?@[^/]+$/;
const artifactStep = join(import.meta.dirname, 'artifact-step.mjs');

/** Every temp directory this module made (workspaces, RUNNER_TEMPs, checkouts), for removeWorkflowDirs(). */
const created = new Set<string>();
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.add(dir);
  return dir;
};

/** Removes every directory runWorkflow and checkoutCopy made in this process (call it in afterAll). */
export function removeWorkflowDirs(): void {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
  created.clear();
}

const text = (v: unknown) =>
  v === undefined || v === null ? '' : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** Expands `strategy.matrix` into its combinations (GitHub's include/exclude rules, simplified: exact matches). */
export function expandMatrix(matrix: Record<string, unknown> | undefined): Array<Record<string, Value>> {
  if (!matrix) return [];
  const { include, exclude, ...axes } = matrix as {
    include?: Array<Record<string, Value>>;
    exclude?: Array<Record<string, Value>>;
  } & Record<string, Value[]>;
  let combos: Array<Record<string, Value>> = Object.keys(axes).length ? [{}] : [];
  for (const [key, values] of Object.entries(axes)) {
    if (!Array.isArray(values)) throw new Error(`matrix.${key} must be a list`);
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  const matchesAll = (combo: Record<string, Value>, partial: Record<string, Value>) =>
    Object.entries(partial).every(([k, v]) => JSON.stringify(combo[k]) === JSON.stringify(v));
  combos = combos.filter((c) => !(exclude ?? []).some((e) => matchesAll(c, e)));
  const base = combos.map((c) => ({ ...c }));
  for (const extra of include ?? []) {
    // An include entry extends every original combination it does not contradict, else adds a new one.
    const axisPart = Object.fromEntries(Object.entries(extra).filter(([k]) => k in axes));
    const targets = combos.filter((c, i) => matchesAll(base[i]!, axisPart));
    if (targets.length && Object.keys(axisPart).length < Object.keys(extra).length) for (const t of targets) Object.assign(t, extra);
    else if (!targets.length || Object.keys(axisPart).length === 0) combos.push({ ...extra });
  }
  return combos;
}

/** Topological order of jobs by `needs:`. */
function jobOrder(jobs: Record<string, any>, only?: string[]): string[] {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (id: string) => {
    if (order.includes(id)) return;
    if (visiting.has(id)) throw new Error(`needs: cycle through job ${id}`);
    if (!jobs[id]) throw new Error(`needs: no job ${id}`);
    visiting.add(id);
    for (const n of needsOf(jobs[id])) visit(n);
    visiting.delete(id);
    order.push(id);
  };
  for (const id of only ?? Object.keys(jobs)) visit(id);
  return order;
}
const needsOf = (job: any): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);

interface RunContext {
  options: WorkflowRunOptions;
  workflow: any;
  github: Record<string, unknown>;
  inputs: Record<string, Value>;
  baseEnv: Record<string, string>;
  secrets: Record<string, string>;
  eventPath: string;
}

export async function runWorkflow(options: WorkflowRunOptions): Promise<WorkflowRunResult> {
  const started = Date.now();
  const file = resolve(repoRoot, options.workflow);
  const workflow = parse(readFileSync(file, 'utf8'));
  workflow.__file = file;
  const gh = options.emulator;
  const event = options.event ?? Object.keys(workflowEvents(workflow))[0]!;

  // workflow_dispatch inputs: declared defaults, then the given values; boolean inputs are booleans.
  const declared: Record<string, any> = (event === 'workflow_dispatch' ? workflow.on?.workflow_dispatch?.inputs : undefined) ?? {};
  const inputs: Record<string, Value> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const given = options.inputs?.[name];
    const raw = given ?? spec?.default;
    if (raw === undefined && spec?.required) throw new Error(`workflow_dispatch input "${name}" is required`);
    inputs[name] = spec?.type === 'boolean' ? raw === true || raw === 'true' : text(raw);
  }
  for (const name of Object.keys(options.inputs ?? {}))
    if (!(name in declared)) throw new Error(`workflow_dispatch input "${name}" is not declared by ${options.workflow}`);

  const s = gh.state;
  const resolved = resolveEvent(gh, { ...options, event, inputs, workflow });
  const decision = triggers(workflow, resolved.trigger);
  if (!decision.triggered) return notTriggered(decision, started);
  const { ref, sha, payload, pr } = resolved;
  const token = options.token ?? 'ghs_test_write';
  const run = addWorkflowRun(s, {
    name: workflow.name ?? file,
    path: `.github/workflows/${file.split('/').pop()}`,
    event,
    head_sha: sha,
    head_branch: resolved.headBranch,
  });
  const jobEnv = gh.jobEnv(run, token);

  const top = tempDir('mlci-wf-');
  const eventPath = join(top, 'event.json');
  writeFileSync(eventPath, JSON.stringify(payload));

  const refName = ref.replace(/^refs\/(heads|tags)\//, '');
  const github: Record<string, unknown> = {
    event_name: event,
    event: payload,
    ref,
    ref_name: pr ? `${pr.number}/merge` : refName,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    sha,
    repository: `${s.owner}/${s.repo}`,
    repository_owner: s.owner,
    token,
    actor: 'octocat',
    triggering_actor: 'octocat',
    run_id: String(run.id),
    run_number: String(run.run_number),
    run_attempt: '1',
    api_url: gh.url,
    server_url: 'https://github.com',
    graphql_url: `${gh.url}/graphql`,
    workflow: workflow.name ?? file,
    workflow_ref: `${s.owner}/${s.repo}/.github/workflows/${file.split('/').pop()}@${ref}`,
    head_ref: pr ? pr.pull!.head : '',
    base_ref: pr ? pr.pull!.base : '',
    retention_days: '90',
  };
  const baseEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? top,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'mlci-host-runner',
    RUNNER_ENVIRONMENT: 'github-hosted',
    ...jobEnv,
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REF: ref,
    GITHUB_REF_NAME: String(github.ref_name),
    GITHUB_REF_TYPE: String(github.ref_type),
    GITHUB_SHA: sha,
    GITHUB_ACTOR: 'octocat',
    GITHUB_TRIGGERING_ACTOR: 'octocat',
    GITHUB_WORKFLOW: String(github.workflow),
    GITHUB_WORKFLOW_REF: String(github.workflow_ref),
    GITHUB_HEAD_REF: String(github.head_ref),
    GITHUB_BASE_REF: String(github.base_ref),
    GITHUB_RETENTION_DAYS: '90',
    GITHUB_GRAPHQL_URL: String(github.graphql_url),
    GITHUB_TOKEN: token,
    ...(options.env ?? {}),
  };
  // GITHUB_TOKEN is not in a real runner's environment; steps get it only through the expressions that name it.
  delete baseEnv.GITHUB_TOKEN;
  const ctx: RunContext = {
    options,
    workflow,
    github,
    inputs,
    baseEnv,
    secrets: { GITHUB_TOKEN: token, ...(options.secrets ?? {}) },
    eventPath,
  };

  const jobs: JobResult[] = [];
  const needsResults: Record<string, { result: JobConclusion; outputs: Record<string, string> }> = {};
  for (const id of jobOrder(workflow.jobs ?? {}, options.jobs)) {
    const spec = workflow.jobs[id];
    const needs = Object.fromEntries(needsOf(spec).map((n) => [n, needsResults[n]!]));
    const status: StatusState = { failed: Object.values(needs).some((n) => n.result !== 'success') };
    const baseContexts: Contexts = {
      github,
      inputs,
      secrets: ctx.secrets,
      vars: options.vars ?? {},
      needs,
      runner: { os: 'Linux', arch: 'X64', temp: '', name: 'mlci-host-runner' },
    };
    let matrixSpec = spec.strategy?.matrix;
    if (typeof matrixSpec === 'string') matrixSpec = evaluate(matrixSpec.replace(/^\$\{\{|\}\}$/g, ''), baseContexts);
    const combos = matrixSpec ? expandMatrix(matrixSpec) : [undefined];
    const failFast = spec.strategy?.['fail-fast'] !== false;
    // Matrix instances run side by side as on GitHub (up to max-parallel and options.matrixParallel);
    // with fail-fast, instances not yet started when one fails are cancelled.
    const instances: JobResult[] = new Array(combos.length);
    const limit = Math.max(1, Math.min(Number(spec.strategy?.['max-parallel'] ?? Infinity), options.matrixParallel ?? 2));
    let next = 0;
    const worker = async () => {
      while (next < combos.length) {
        const index = next++;
        const matrix = combos[index];
        const contexts: Contexts = {
          ...baseContexts,
          matrix: matrix ?? {},
          strategy: { 'fail-fast': failFast, 'job-total': combos.length, 'job-index': index },
        };
        const name = `${spec.name ? interpolate(String(spec.name), contexts) : id}${
          matrix && !spec.name
            ? ` (${Object.values(matrix)
                .map((v) => text(v))
                .join(', ')})`
            : ''
        }`;
        const cancelled = failFast && instances.some((j) => j?.conclusion === 'failure');
        const runIt = !cancelled && condition(spec.if, contexts, status);
        instances[index] = runIt
          ? await runJob(ctx, id, name, spec, contexts, matrix)
          : {
              id,
              name,
              matrix,
              conclusion: cancelled ? 'cancelled' : 'skipped',
              outputs: {},
              steps: [],
              summary: '',
              workspace: '',
              runnerTemp: '',
              permissions: spec.permissions ?? workflow.permissions,
              durationMs: 0,
            };
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, combos.length) }, worker));
    jobs.push(...instances);
    // What `needs.<id>` shows: failure if any instance failed, outputs merged (later instances win, as on GitHub's "last writer").
    const result: JobConclusion = instances.some((j) => j.conclusion === 'failure' || j.conclusion === 'cancelled')
      ? 'failure'
      : instances.every((j) => j.conclusion === 'skipped')
        ? 'skipped'
        : 'success';
    needsResults[id] = {
      result,
      outputs: Object.assign({}, ...instances.map((j) => Object.fromEntries(Object.entries(j.outputs).filter(([, v]) => v !== '')))),
    };
  }
  const failed = jobs.some((j) => j.conclusion === 'failure' || j.conclusion === 'cancelled');
  run.status = 'completed';
  run.conclusion = failed ? 'failure' : 'success';
  return {
    conclusion: failed ? 'failure' : 'success',
    jobs,
    runId: run.id,
    durationMs: Date.now() - started,
    job(id: string) {
      const j = jobs.find((x) => x.id === id);
      if (!j) throw new Error(`no job ${id} in this run (jobs: ${jobs.map((x) => x.id).join(', ')})`);
      return j;
    },
  };
}

function notTriggered(decision: TriggerDecision, started: number): WorkflowRunResult {
  return {
    conclusion: 'not-triggered',
    reason: decision.reason,
    jobs: [],
    runId: 0,
    durationMs: Date.now() - started,
    job(id: string): JobResult {
      throw new Error(`no job ${id}: the workflow was not triggered (${decision.reason})`);
    },
  };
}

/** Whether GitHub would start the workflow for the event `options` describe (read from the emulator as runWorkflow reads it), without running it. */
export function wouldTrigger(
  options: Pick<WorkflowRunOptions, 'workflow' | 'emulator' | 'event' | 'payload' | 'pullRequest' | 'action' | 'ref' | 'sha'>,
): TriggerDecision & { event: ResolvedEvent } {
  const workflow = parse(readFileSync(resolve(repoRoot, options.workflow), 'utf8'));
  const event = resolveEvent(options.emulator, { ...options, event: options.event ?? Object.keys(workflowEvents(workflow))[0]!, workflow });
  return { ...triggers(workflow, event.trigger), event };
}

/** Values of an `env:` map with expressions evaluated. */
function evalEnv(env: Record<string, unknown> | undefined, contexts: Contexts): Record<string, string> {
  return Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, typeof v === 'string' ? interpolate(v, contexts) : text(v)]));
}

async function runJob(
  ctx: RunContext,
  id: string,
  name: string,
  spec: any,
  contexts: Contexts,
  matrix: Record<string, Value> | undefined,
): Promise<JobResult> {
  const started = Date.now();
  const workspace = tempDir('mlci-wf-workspace-');
  // Symlinks as git checks them out: verbatim (a relative link points inside the job's workspace, not back at projectDir).
  cpSync(resolve(ctx.options.projectDir), workspace, { recursive: true, verbatimSymlinks: true });
  const runnerTemp = tempDir('mlci-wf-temp-');
  const github = { ...ctx.github, job: id, workspace };
  const runner = { ...(contexts.runner as object), temp: runnerTemp };
  const workflowEnv = evalEnv(ctx.workflow.env, { ...contexts, github, runner });
  const jobEnvValues = evalEnv(spec.env, { ...contexts, github, runner, env: workflowEnv });
  let env: Record<string, string> = { ...workflowEnv, ...jobEnvValues };
  const extraPath: string[] = [];
  const steps: StepResult[] = [];
  const stepsContext: Record<string, { outputs: Record<string, string>; outcome: StepOutcome; conclusion: StepOutcome }> = {};
  const defaults = { ...(ctx.workflow.defaults?.run ?? {}), ...(spec.defaults?.run ?? {}) };
  let failed = false;

  for (const [index, step] of (spec.steps ?? []).entries()) {
    const stepName = step.name ?? (step.uses ? `Run ${step.uses}` : `Run ${String(step.run ?? '').split('\n')[0]}`);
    const stepStart = Date.now();
    const status: StatusState = { failed };
    const stepEnvContexts: Contexts = {
      ...contexts,
      github,
      runner,
      env,
      steps: stepsContext,
      job: { status: failed ? 'failure' : 'success' },
    };
    const stepEnv = { ...env, ...evalEnv(step.env, stepEnvContexts) };
    const stepContexts: Contexts = { ...stepEnvContexts, env: stepEnv };
    const record = (r: Partial<StepResult> & Pick<StepResult, 'outcome'>): StepResult => ({
      name: typeof stepName === 'string' ? interpolate(stepName, stepContexts) : stepName,
      id: step.id,
      uses: step.uses,
      conclusion: r.outcome,
      exitCode: null,
      outputs: {},
      summary: '',
      stdout: '',
      stderr: '',
      annotations: [],
      durationMs: Date.now() - stepStart,
      ...r,
    });
    if (!condition(step.if, stepContexts, status)) {
      const r = record({ outcome: 'skipped' });
      steps.push(r);
      if (step.id) stepsContext[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    const files = {
      GITHUB_OUTPUT: join(runnerTemp, `_output_${index}`),
      GITHUB_STEP_SUMMARY: join(runnerTemp, `_summary_${index}.md`),
      GITHUB_ENV: join(runnerTemp, `_env_${index}`),
      GITHUB_PATH: join(runnerTemp, `_path_${index}`),
      GITHUB_STATE: join(runnerTemp, `_state_${index}`),
    };
    for (const f of Object.values(files)) writeFileSync(f, '');
    const processEnv: Record<string, string> = {
      ...ctx.baseEnv,
      ...stepEnv,
      ...files,
      PATH: [...extraPath, ctx.baseEnv.PATH].join(':'),
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: runnerTemp,
      RUNNER_TOOL_CACHE: join(runnerTemp, '_tool'),
      GITHUB_JOB: id,
      GITHUB_ACTION: step.id ?? `__run_${index}`,
    };

    let exec: { command: string; args: string[]; cwd: string } | undefined;
    let note = '';
    try {
      if (step.run !== undefined) {
        const script = interpolate(String(step.run), stepContexts);
        const shell = step.shell ?? defaults.shell;
        const scriptFile = join(runnerTemp, `_step_${index}.${shell === 'python' ? 'py' : 'sh'}`);
        writeFileSync(scriptFile, script);
        const wd = step['working-directory'] ?? defaults['working-directory'];
        const cwd = wd ? resolve(workspace, interpolate(String(wd), stepContexts)) : workspace;
        if (shell === undefined) exec = { command: 'bash', args: ['-e', scriptFile], cwd };
        else if (shell === 'bash') exec = { command: 'bash', args: ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], cwd };
        else if (shell === 'sh') exec = { command: 'sh', args: ['-e', scriptFile], cwd };
        else if (shell === 'python') exec = { command: 'python3', args: [scriptFile], cwd };
        else throw new Error(`shell "${shell}" is not supported by the host runner`);
      } else if (typeof step.uses === 'string') {
        const uses = interpolate(step.uses, stepContexts);
        const withValues = evalEnv(step.with, stepContexts);
        if (GITHUB_ACTION_STUBS.test(uses)) {
          note = `${uses}: nothing to do on the host runner (the workspace is the project, tools are installed)\n`;
        } else if (ARTIFACT_ACTIONS.test(uses)) {
          for (const [k, v] of Object.entries(withValues)) processEnv[inputEnvName(k)] = v;
          exec = { command: process.execPath, args: [artifactStep, uses.includes('upload') ? 'upload' : 'download'], cwd: workspace };
        } else {
          const actionDir = uses.startsWith('./') ? resolve(workspace, uses) : mlciActionDir(uses);
          const action = parse(readFileSync(join(actionDir, 'action.yml'), 'utf8'));
          if (!/^node\d+$/.test(action.runs?.using ?? ''))
            throw new Error(`${uses}: runs.using ${action.runs?.using} is not supported by the host runner`);
          for (const k of Object.keys(withValues))
            if (!(k in (action.inputs ?? {})))
              note += `::warning::Unexpected input '${k}', valid inputs are ${JSON.stringify(Object.keys(action.inputs ?? {}))}\n`;
          for (const [k, def] of Object.entries<any>(action.inputs ?? {})) {
            const value = k in withValues ? withValues[k]! : def?.default !== undefined ? interpolate(text(def.default), stepContexts) : '';
            if (def?.required && value === '' && !(k in withValues)) throw new Error(`${uses}: input required and not supplied: ${k}`);
            processEnv[inputEnvName(k)] = value;
          }
          processEnv.GITHUB_ACTION_PATH = actionDir;
          exec = { command: process.execPath, args: [mainOf(actionDir, action.runs.main)], cwd: workspace };
        }
      } else {
        throw new Error(`step ${index + 1} has neither run: nor uses:`);
      }
    } catch (error) {
      const r = record({ outcome: 'failure', stderr: `${(error as Error).message}\n` });
      steps.push(r);
      failed = finishStep(step, stepContexts, r, stepsContext) || failed;
      continue;
    }

    const proc = exec ? await spawnStep(exec, processEnv, ctx.options.stepTimeoutMs ?? 300_000) : { exitCode: 0, stdout: '', stderr: '' };
    const outputs = parseCommandFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'));
    const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
    env = { ...env, ...parseCommandFile(readFileSync(files.GITHUB_ENV, 'utf8')) };
    extraPath.unshift(...readFileSync(files.GITHUB_PATH, 'utf8').split('\n').filter(Boolean).reverse());
    const r = record({
      outcome: proc.exitCode === 0 ? 'success' : 'failure',
      exitCode: proc.exitCode,
      outputs,
      summary,
      stdout: note + proc.stdout,
      stderr: proc.stderr,
      annotations: parseAnnotations(note + proc.stdout),
    });
    steps.push(r);
    failed = finishStep(step, stepContexts, r, stepsContext) || failed;
  }

  const outputContexts: Contexts = { ...contexts, github, runner, env, steps: stepsContext };
  const outputs = Object.fromEntries(Object.entries<any>(spec.outputs ?? {}).map(([k, v]) => [k, interpolate(text(v), outputContexts)]));
  return {
    id,
    name,
    matrix,
    conclusion: failed ? 'failure' : 'success',
    outputs,
    steps,
    summary: steps
      .map((st) => st.summary)
      .filter(Boolean)
      .join('\n'),
    workspace,
    runnerTemp,
    permissions: spec.permissions ?? ctx.workflow.permissions,
    durationMs: Date.now() - started,
  };
}

/** Applies continue-on-error, records the step in the `steps` context; true when the job is now failing. */
function finishStep(step: any, contexts: Contexts, r: StepResult, stepsContext: Record<string, any>): boolean {
  const raw = step['continue-on-error'];
  const tolerate = raw !== undefined && (typeof raw === 'boolean' ? raw : truthy(interpolate(String(raw), contexts) as Value));
  if (r.outcome === 'failure' && tolerate) r.conclusion = 'success';
  if (step.id) stepsContext[step.id] = { outputs: r.outputs, outcome: r.outcome, conclusion: r.conclusion };
  return r.conclusion === 'failure';
}

/** The directory of the mlci action a `uses:` names (this repository's checkout stands in for every SHA). */
function mlciActionDir(uses: string): string {
  const m = MLCI_ACTION.exec(uses);
  if (!m)
    throw new Error(
      `${uses}: the host runner has no stand-in for this action (only mlci-dev/mlci…, ./local, checkout, setup-python, upload/download-artifact)`,
    );
  const dir = join(repoRoot, m[1] ?? '');
  if (!existsSync(join(dir, 'action.yml'))) throw new Error(`${uses}: no action.yml at ${dir}`);
  return dir;
}

/** runs.main resolved from the action's directory, with the repository's dist/ swapped for $MLCI_DIST. */
function mainOf(actionDir: string, main: string): string {
  const path = resolve(actionDir, main);
  const dist = join(repoRoot, 'dist');
  const mapped = path.startsWith(dist + '/') ? join(distDir, path.slice(dist.length + 1)) : path;
  if (!existsSync(mapped)) throw new Error(`no bundle at ${mapped}: run \`node scripts/build.mjs\` (or set MLCI_DIST to a private build)`);
  return mapped;
}

function spawnStep(exec: { command: string; args: string[]; cwd: string }, env: Record<string, string>, timeoutMs: number) {
  mkdirSync(exec.cwd, { recursive: true });
  return new Promise<{ exitCode: number | null; stdout: string; stderr: string }>((done) => {
    // Own process group, so a timeout also ends what the step started (python, servers).
    const child = spawn(exec.command, exec.args, { cwd: exec.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n##[error]The step exceeded its time limit of ${timeoutMs} ms and was killed.\n`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      done({ exitCode: 127, stdout, stderr: `${stderr}${e.message}\n` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ exitCode: signal ? null : code, stdout, stderr });
    });
  });
}

/** A readable account of a run for assertion messages: each job and step with its outcome, and the output of failed steps. */
export function explain(run: WorkflowRunResult): string {
  const lines: string[] = [`workflow ${run.conclusion} in ${run.durationMs} ms`];
  for (const j of run.jobs) {
    lines.push(`job ${j.name}: ${j.conclusion}`);
    for (const st of j.steps) {
      lines.push(`  ${st.outcome.padEnd(7)} ${st.name} (exit ${st.exitCode}, ${st.durationMs} ms)`);
      if (st.outcome === 'failure') lines.push(indent(st.stdout.slice(-3000)), indent(st.stderr.slice(-3000)));
    }
  }
  return lines.join('\n');
}
const indent = (s: string) =>
  s
    .split('\n')
    .map((l) => `      | ${l}`)
    .join('\n');

/** Copies a project directory the way a checkout has it: without .mlci/, out/, caches and node_modules. */
export function checkoutCopy(projectDir: string, into = tempDir('mlci-wf-checkout-')): string {
  const skip = new Set(['.mlci', 'out', 'mlruns', 'node_modules', '__pycache__', '.git']);
  cpSync(projectDir, into, { recursive: true, filter: (src) => !skip.has(src.split('/').pop()!) || src === projectDir });
  return into;
}
