/**
 * The port through which tracking's MLflow Model Registry routes (`mlflow-api/registry.ts`) reach a model
 * registry. Tracking and registry sit in one layer and do not import each other, so the port is declared here,
 * below both: tracking's routes call it and `@mlci/registry`'s `openMlflowRegistry` implements it over a
 * `RegistryBackend`. The CLI, the pipeline and the train-and-log action, which see both packages, pass one to
 * `train()`.
 *
 * One port serves one training command: what the script changes is held in the port and applied to the
 * registry by `finish()` when the run ended FINISHED, so a FAILED or KILLED run leaves the registry unchanged.
 */
import type { RunRecord } from './run-record';

/** A model version as MLflow shows it. `number` is MLflow's integer version. */
export interface PortVersion {
  name: string;
  /** MLflow's version number: the version's place (1, 2, …) in the model's versions in mlci's version order. */
  number: number;
  /** mlci's version ("0.2.0"); null while it waits for the run to end. */
  mlciVersion: string | null;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  description: string;
  /** The source the version was registered from (for a version mlci registered itself: `mlci-registry:/NAME@vX.Y.Z`). */
  source: string;
  runId: string;
  userId: string;
  tags: Record<string, string>;
  /** Aliases pointing to this version now, sorted. */
  aliases: string[];
  /** The model directory inside the version's files (or inside the run's artifacts while pending), e.g. `model`. */
  modelPath: string;
}

export interface PortModel {
  name: string;
  description: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  tags: Record<string, string>;
  /** Alias → MLflow version number. */
  aliases: Record<string, number>;
  /** Ascending by number. */
  versions: PortVersion[];
}

/** A version to register from files the run logged. */
export interface RegisterRequest {
  name: string;
  /** The run the files belong to: the mlci run of this command. */
  runId: string;
  /** The model directory in the run's artifacts, e.g. `model` (it holds `MLmodel`). */
  modelPath: string;
  source: string;
  description?: string;
  tags?: Record<string, string>;
  userId?: string;
}

/** What `finish()` did: the versions published (MLflow number → mlci tag) and why nothing was, if so. */
export interface FinishReport {
  published: Array<{ name: string; number: number; tag: string }>;
  aliases: Array<{ name: string; alias: string; tag: string }>;
  /** Set when the run did not end FINISHED and the port's changes were dropped. */
  dropped?: string;
}

/**
 * Errors a port throws carry `mlflowCode`, the MLflow error code the endpoint answers with:
 * RESOURCE_DOES_NOT_EXIST (404), RESOURCE_ALREADY_EXISTS, INVALID_PARAMETER_VALUE (400), PERMISSION_DENIED (403:
 * mlci's registry keeps published versions and alias history, so deleting or renaming them is refused).
 */
export interface PortErrorShape {
  mlflowCode: MlflowPortErrorCode;
  message: string;
}

export type MlflowPortErrorCode = 'RESOURCE_DOES_NOT_EXIST' | 'RESOURCE_ALREADY_EXISTS' | 'INVALID_PARAMETER_VALUE' | 'PERMISSION_DENIED';

export interface MlflowRegistryPort {
  /** Where the registry lives, for messages. */
  readonly location: string;
  models(): Promise<PortModel[]>;
  /** The model, or undefined when it does not exist. */
  model(name: string): Promise<PortModel | undefined>;
  createModel(name: string, options: { description?: string; tags?: Record<string, string> }): Promise<PortModel>;
  updateModel(name: string, description: string): Promise<PortModel>;
  renameModel(name: string, newName: string): Promise<PortModel>;
  deleteModel(name: string): Promise<void>;
  setModelTag(name: string, key: string, value: string): Promise<void>;
  deleteModelTag(name: string, key: string): Promise<void>;
  createVersion(request: RegisterRequest): Promise<PortVersion>;
  updateVersion(name: string, number: number, description: string): Promise<PortVersion>;
  deleteVersion(name: string, number: number): Promise<void>;
  setVersionTag(name: string, number: number, key: string, value: string): Promise<void>;
  deleteVersionTag(name: string, number: number, key: string): Promise<void>;
  setAlias(name: string, alias: string, number: number): Promise<void>;
  deleteAlias(name: string, alias: string): Promise<void>;
  /** Paths (relative to the version's root, e.g. `model/MLmodel`) and sizes of a published version's files. */
  listFiles(name: string, mlciVersion: string): Promise<Array<{ path: string; size: number }>>;
  /** One file of a published version, checked against its SHA-256 in the version's card. */
  readFile(name: string, mlciVersion: string, path: string): Promise<Uint8Array>;
  /** The run ended and is recorded: publish what the script registered if it is FINISHED, else drop it. */
  finish(record: RunRecord): Promise<FinishReport>;
}
