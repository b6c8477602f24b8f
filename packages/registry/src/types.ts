import type { Outcome } from '@mlci/core';

/** One gate or comparison outcome that promotion can require. */
export interface GateResult {
  /** What was checked: "overfit-gate", "compare-to-champion", a run tag name, … */
  name: string;
  outcome: Outcome;
  /** Where it was read from (a result file path or `run tag mlci.gate.X`). */
  source: string;
}

/** A file of a model version, as listed in card.json and SHA256SUMS. */
export interface ModelFile {
  /** Path inside the downloaded version, POSIX separators, e.g. `model/MLmodel`. */
  path: string;
  /** Name of the stored asset (release assets are flat, so `/` becomes `.`). */
  asset: string;
  sha256: string;
  size: number;
}

/**
 * card.json: the machine-readable model card. Fields are only ever added (schema stays 1).
 * card.md says the same for people.
 */
export interface ModelCard {
  schema: 1;
  name: string;
  /** "1.2.0" (no `v`). */
  version: string;
  /** GTO tag: `name@v1.2.0`. */
  tag: string;
  runId: string;
  runName: string;
  experiment: string;
  /** Commit the run trained at (lineage.git.commit), or null outside git. */
  commit: string | null;
  branch: string | null;
  /** Last value of each metric, system metrics left out. */
  metrics: Record<string, number>;
  params: Record<string, string>;
  /** The datasets the run read, by content hash (DVC md5 too). */
  datasets: Array<{ path: string; sha256: string; dvcMd5: string | null; size: number }>;
  environment: { node: string; python: string | null; platform: string; lockFiles: Array<{ path: string; sha256: string }> };
  /** Who promoted it: GITHUB_ACTOR in a workflow, else the OS user. */
  promotedBy: string;
  /** ISO 8601 time the version was registered. */
  promotedAt: string;
  /** Gates read at promotion (empty when none were given). */
  gates: GateResult[];
  /** The model files (not card.md, card.json or SHA256SUMS themselves). */
  files: ModelFile[];
  /** The mlci release that registered it (absent on cards written before 0.2.0). */
  mlciVersion?: string;
}

/** A published version as a backend lists it. */
export interface VersionRecord {
  name: string;
  version: string;
  tag: string;
  card: ModelCard;
  /** SHA-256 of card.json's bytes, so an alias event can pin exactly the card it promoted. */
  cardSha256: string;
  /** Every stored asset (model files, card.md, card.json, SHA256SUMS) with the hash the store reports or holds. */
  assets: Array<{ name: string; size: number }>;
  /** Release page (GitHub) or the version directory (local). */
  url: string;
  /**
   * 'gto': registered by a GTO tag alone (`gto register`), with no release or files mlci stored: its card is
   * made from the tag (name, version, tag, commit, tagger, date) and lists no files, so it can be shown, listed,
   * aliased and rolled back to, but not downloaded. @default 'mlci'
   */
  source?: 'mlci' | 'gto';
}

/**
 * One assignment of an alias, append-only: event N is the N-th time the alias moved. The holder of an alias is
 * the version of its newest event. Stored as `registry/<name>/aliases/<alias>/<N>.json` locally and as the
 * annotated GTO tag `name#alias#N` on GitHub.
 */
export interface AliasEvent {
  schema: 1;
  name: string;
  alias: string;
  /**
   * The N of the tag `name#alias#N`: 1, 2, 3, … as mlci writes them; with GTO's tags it can skip (GTO counts
   * every tag of the model) or repeat (an event a `!` tag, deregistration or deprecation made keeps the N before).
   */
  seq: number;
  /**
   * promote | rollback: `version` holds the alias after it. unassign (read from GTO's `NAME#ALIAS!#N`, a
   * deregistration or a deprecation; mlci never writes one): nobody holds it after it, `version` lost it.
   */
  action: 'promote' | 'rollback' | 'unassign';
  /** The version holding the alias after this event (for `unassign`: the one that stopped holding it). */
  version: string;
  /** The version that held it before (null for the first assignment): the "previous holder". */
  previous: string | null;
  /**
   * The event whose holder a rollback of this event restores (0: no earlier holder). For a promotion it is
   * seq - 1; for a rollback, the basis of the event it restored, so repeated rollbacks walk further back.
   */
  basis: number;
  runId: string;
  /** SHA-256 of the promoted version's card.json. */
  cardSha256: string;
  by: string;
  /** ISO 8601. */
  at: string;
}

/** A file a new version will hold: its bytes come from `read()` (called once, when it is stored). */
export interface PendingAsset {
  name: string;
  sha256: string;
  size: number;
  read(): Promise<Uint8Array>;
}

export interface PublishOptions {
  name: string;
  version: string;
  /** Commit the version is tagged at (the run's commit); null: the default branch head. */
  commit: string | null;
  /** Release notes (card.md). */
  body: string;
  assets: PendingAsset[];
  /**
   * The version tag was pushed by a person (the "push tag name@vX.Y.Z" trigger): accept it when it points at
   * `commit` and no release holds it yet, instead of refusing it as taken. @default false
   */
  adoptTag?: boolean;
}

/**
 * Where versions and aliases live. Two implementations: `LocalRegistry` (`.mlci/registry/`) and
 * `GitHubRegistry` (releases + GTO tags). Both give the same guarantees:
 * - `publishVersion` makes a version visible only once every asset is stored and verified; a version tag is
 *   never reused (a clash throws `VersionExistsError`);
 * - `appendAliasEvent` is a compare-and-swap: it succeeds only when `event.seq` is one past the newest
 *   event, so of two racing promotions exactly one wins and the other gets `AliasConflictError`.
 */
export interface RegistryBackend {
  /** "local" or "github", for messages and results. */
  readonly kind: 'local' | 'github';
  /** Where the registry lives, for messages: a directory or `owner/repo`. */
  readonly location: string;
  /** Model names with at least one published version, sorted. */
  listModels(): Promise<string[]>;
  /** Published versions of `name`, ascending. */
  listVersions(name: string): Promise<VersionRecord[]>;
  /** Version numbers taken by published or in-progress versions (so the next number skips them). */
  takenVersions(name: string): Promise<string[]>;
  /**
   * Stores `assets` as version `version` of `name`, then publishes it. Atomic from a reader's point of view.
   * Throws VersionExistsError when the version is already published (or being published by someone else).
   */
  publishVersion(options: PublishOptions): Promise<VersionRecord>;
  /** The bytes of one asset of a published version, as stored (unverified: callers check the hash). */
  readAsset(name: string, version: string, asset: string): Promise<Uint8Array>;
  /** The alias names that `name` has ever had, sorted. */
  listAliases(name: string): Promise<string[]>;
  /** Every event of one alias, by seq ascending. */
  aliasHistory(name: string, alias: string): Promise<AliasEvent[]>;
  /** Appends `event` if and only if `event.seq - 1` is the newest seq (CAS). */
  appendAliasEvent(event: AliasEvent): Promise<void>;
}
