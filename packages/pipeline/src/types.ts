import type { ErrorKind, Logger, Outcome } from '@mlci/core';
import type { MlciConfig } from '@mlci/core/config';
import type { RegistryBackend } from '@mlci/registry';
import type { BackendChoice, BackendKind, RunRecord, Store } from '@mlci/store';

export type StageName = 'validate' | 'drift' | 'train' | 'gate' | 'compare' | 'promote' | 'publish';

/** What one stage of the pipeline reports. */
export interface StageResult {
  stage: StageName;
  outcome: Outcome | 'skipped';
  /** One line for the progress display and the verdict. */
  summary: string;
  /** The stage's full typed result (validation results, the run record, gate result …). */
  result?: unknown;
  /** Set when the stage was skipped because data validation failed (mlci.yml `on-fail: stop`). */
  stoppedByData?: boolean;
  /** Set when the stage failed on an error rather than a check: what kind (exit 2 usage/input, 3 remote) and where. */
  error?: { kind: ErrorKind; message: string; hint?: string; file?: string; line?: number };
  durationMs: number;
}

export interface PipelineResult {
  outcome: Outcome;
  /** The one line a reader takes in first: ready / regressions / data problems, and why. */
  verdict: string;
  stages: StageResult[];
  runId?: string;
  /** Directory of mlci.yml: stage results name files relative to it. */
  root: string;
  /** Which backends the pipeline used. */
  backends: { store: BackendKind; registry: BackendKind };
}

/** Shared state stages read and extend as the pipeline runs. */
export interface PipelineContext {
  config: MlciConfig;
  store: Store;
  registry: RegistryBackend;
  /** The branch whose runs are `main` in comparisons. */
  defaultBranch: string;
  logger: Logger;
  /** The run recorded by the train stage. */
  run?: RunRecord;
  /** Results of the stages that have run, in order. */
  done: StageResult[];
  options: RunPipelineOptions;
}

export interface RunPipelineOptions {
  /** Path of mlci.yml. @default mlci.yml in the current directory */
  config?: string;
  /**
   * Stages to run, in pipeline order whatever order they are given in.
   * @default every stage the file declares
   */
  only?: StageName[];
  /**
   * Promote the model (move its alias) when every other stage passed. Off in pull requests; on for the demo
   * and on the default branch.
   * @default true
   */
  promote?: boolean;
  /** Where runs go, overriding mlci.yml `store:` (`mlci run --github`, the root action). @default mlci.yml, else auto */
  store?: BackendChoice;
  /** Where models go, overriding mlci.yml `registry:`. @default mlci.yml, else auto */
  registry?: BackendChoice;
  /** Token for the GitHub backends. @default $GITHUB_TOKEN */
  token?: string;
  /** Environment the backends are chosen from. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Send the training command's stdout to stderr, so stdout can carry only JSON. @default false */
  trainStdoutToStderr?: boolean;
  /** Called when a stage starts and ends, for progress displays and log groups. */
  onStage?: (event: { stage: StageName; phase: 'start' | 'end'; result?: StageResult; index: number; total: number }) => void;
  logger?: Logger;
}
