/**
 * The one ActionContext every action body gets: the runner's logger, the step's inputs (read and checked in
 * one place), the repository and run URL, the job's results directory, a GitHub client and the backend
 * factory. Only this package talks to @actions/core; the capability packages take plain options.
 */
import { isAbsolute, join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import { usageError, writeJsonAtomic, type Logger } from '@mlci/core';
import { createGitHubClient, type GitHubClient } from '@mlci/core/github';
import type { Backends } from '@mlci/registry';
import type { BackendChoice } from '@mlci/store';

/** Annotation placement, as @actions/core takes it. */
export type AnnotationProps = core.AnnotationProperties;

/** A step's inputs: every reader names the input at fault (exit 2), none passes an empty string on. */
export class Inputs {
  /** The raw value, trimmed by the runner; '' when absent. */
  string(name: string): string {
    return core.getInput(name);
  }

  /** The value or undefined when empty. */
  optional(name: string): string | undefined {
    return core.getInput(name) || undefined;
  }

  required(name: string, hint = `add \`${name}:\` under \`with:\` in the step`): string {
    const value = core.getInput(name);
    if (!value) throw usageError(`input "${name}" is required`, hint);
    return value;
  }

  number(name: string, fallback: number): number {
    const raw = core.getInput(name);
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw usageError(`input "${name}" must be a number, got "${raw}"`);
    return value;
  }

  /** "true"/"false" in any case; empty is `fallback` (action.yml's default when the runner did not apply it). */
  boolean(name: string, fallback: boolean): boolean {
    const raw = core.getInput(name).trim().toLowerCase();
    if (!raw) return fallback;
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    throw usageError(`input "${name}" must be true or false, got "${core.getInput(name)}"`);
  }

  /** One of `choices`; empty is `fallback`. */
  choice<T extends string>(name: string, choices: readonly T[], fallback: T, hint?: string): T {
    const raw = (core.getInput(name) || fallback) as T;
    if (!choices.includes(raw))
      throw usageError(`input "${name}" must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}, got "${raw}"`, hint);
    return raw;
  }

  /** A multi-line input as its non-empty trimmed lines. */
  list(name: string): string[] {
    return core
      .getInput(name)
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  }
}

export interface Repository {
  owner: string;
  repo: string;
  /** `owner/repo` */
  full: string;
}

const REPO = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/;

/** The context of the running step, read from the runner's environment once. */
export class ActionContext {
  readonly logger: Logger = { info: core.info, warn: core.warning, error: core.error, debug: core.debug };
  readonly input = new Inputs();
  /** GITHUB_REPOSITORY, when it is `owner/repo`. */
  readonly repository: Repository | null;
  /** This workflow run's page, when the runner says which run this is. */
  readonly runUrl: string | undefined;
  /** GITHUB_WORKSPACE, else the current directory. */
  readonly workspace: string;
  /** Input `github-token`, else GITHUB_TOKEN; undefined when neither is set. */
  readonly token: string | undefined;
  /** `$RUNNER_TEMP/mlci/results`: where each step leaves its JSON result for later steps and the report. */
  readonly resultsDir: string;
  private client: GitHubClient | null | undefined;

  constructor(readonly env: NodeJS.ProcessEnv = process.env) {
    const match = REPO.exec(env.GITHUB_REPOSITORY ?? '');
    this.repository = match ? { owner: match[1]!, repo: match[2]!, full: match[0] } : null;
    const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
    this.runUrl = this.repository && env.GITHUB_RUN_ID ? `${server}/${this.repository.full}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
    this.workspace = env.GITHUB_WORKSPACE || process.cwd();
    this.token = core.getInput('github-token') || env.GITHUB_TOKEN || undefined;
    this.resultsDir = join(env.RUNNER_TEMP || tmpdir(), 'mlci', 'results');
  }

  /** Writes a step's result atomically as `<resultsDir>/<step>.json` and returns the path. */
  async writeResult(step: string, result: unknown): Promise<string> {
    const file = join(this.resultsDir, `${step}.json`);
    await writeJsonAtomic(file, result);
    return file;
  }

  /** A client for the repository with the token (retries, typed remote errors); null without token or repository. */
  github(): GitHubClient | null {
    if (this.client === undefined)
      this.client =
        this.token && this.repository
          ? createGitHubClient({ token: this.token, baseUrl: this.env.GITHUB_API_URL, logger: this.logger })
          : null;
    return this.client;
  }

  /** The store and registry through the one factory (openBackends), with this step's token and logger. */
  async backends(choice: BackendChoice, projectDir = '.'): Promise<Backends> {
    const { openBackends } = await import('@mlci/registry');
    // The client's retries and rate-limit waits show in the job log as warnings.
    return openBackends({
      projectDir,
      store: choice,
      registry: choice,
      token: this.token,
      env: this.env,
      logger: this.logger,
      client: { logger: this.logger },
    });
  }

  /** A path as GitHub places annotations: relative to the workspace. */
  workspacePath(file: string): string {
    return isAbsolute(file) ? relative(this.workspace, file) : file;
  }

  output(name: string, value: string | number | boolean): void {
    core.setOutput(name, String(value));
  }

  async summary(markdown: string): Promise<void> {
    await core.summary.addRaw(markdown).write();
  }

  // Arrow properties: annotations are passed on as callbacks (`sectionsFromResults(dir, ctx.warning)`).
  readonly error = (message: string, props?: AnnotationProps) => core.error(message, props);
  readonly warning = (message: string, props?: AnnotationProps) => core.warning(message, props);
  readonly notice = (message: string, props?: AnnotationProps) => core.notice(message, props);

  group<T>(name: string, body: () => Promise<T>): Promise<T> {
    return core.group(name, body);
  }

  /** A log group opened and closed by events (the pipeline's stages) rather than around one call. */
  startGroup(name: string): void {
    core.startGroup(name);
  }

  endGroup(): void {
    core.endGroup();
  }

  /** Fails the step with this message (the body goes on; exit code 1). */
  fail(message: string): void {
    core.setFailed(message);
  }
}
