import { inputError } from '@mlci/core';
import { isVersion, formatVersion, parseVersion } from './names';
import type { AliasEvent, ModelCard, VersionRecord } from './types';

/**
 * GTO's tags (https://dvc.org/doc/gto, gto/tag.py and gto/constants.py) read as registry history. GTO keeps a
 * model's whole state in git tags:
 * - `NAME@vX.Y.Z` registers a version at the tagged commit, `NAME@vX.Y.Z!` deregisters it;
 * - `NAME#STAGE#N` assigns a stage to the version registered at the tagged commit, `NAME#STAGE!#N` unassigns it;
 * - `NAME@deprecated` (or `NAME@deprecated#N`) deprecates the model until a newer tag of it;
 * - N is GTO's counter: one more than the highest N of any tag of the model; every tag may carry one.
 * GTO reads annotated tags only (a lightweight tag has no date) and orders them by the tagger date, in seconds.
 * Here a stage is an alias; mlci's own alias tags are the same assignment tags with an AliasEvent (JSON) in the
 * message after GTO's first line.
 */

export type GtoAction = 'register' | 'deregister' | 'assign' | 'unassign' | 'deprecate';

export interface GtoTagName {
  action: GtoAction;
  name: string;
  /** "1.2.3" for register/deregister. */
  version?: string;
  /** The stage (alias) for assign/unassign. */
  stage?: string;
  /** GTO's `#N`, null for a tag written in GTO's simple notation (`NAME@v1.0.0`, `NAME@deprecated`). */
  counter: number | null;
}

// mlci's model-name and alias alphabets (a subset of GTO's: no `/`, no `dir:` prefix), MAJOR.MINOR.PATCH only.
const GTO_TAG =
  /^([A-Za-z0-9][A-Za-z0-9_-]{0,99})(?:@(v(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*))(!?)|#([A-Za-z0-9_-]{1,64})(!?)|@(deprecated))(?:#([0-9]{1,9}))?$/;

/**
 * Reads a GTO tag name; null for any other tag, and for GTO tags mlci cannot name (a path-like artifact name,
 * a pre-release version, a stage that is not a valid alias).
 */
export function parseGtoTag(tag: string): GtoTagName | null {
  const m = GTO_TAG.exec(tag);
  if (!m) return null;
  const counter = m[7] === undefined ? null : Number(m[7]);
  if (m[2] !== undefined) {
    if (!isVersion(m[2])) return null;
    return { action: m[3] ? 'deregister' : 'register', name: m[1], version: formatVersion(parseVersion(m[2])), counter };
  }
  if (m[4] !== undefined) {
    if (m[4].toLowerCase() === 'latest' || /^v\d/i.test(m[4])) return null;
    return { action: m[5] ? 'unassign' : 'assign', name: m[1], stage: m[4], counter };
  }
  return { action: 'deprecate', name: m[1], counter };
}

/** GTO's registration message (`gto register`), the first line of mlci's version tags. */
export const registrationMessage = (name: string, version: string) =>
  `Registering artifact ${name} version v${formatVersion(parseVersion(version))}`;

/** GTO's assignment message (`gto assign`), the first line of mlci's alias tags; the AliasEvent JSON follows. */
export const assignmentMessage = (name: string, alias: string, version: string) =>
  `Assigning stage ${alias} to artifact ${name} version v${formatVersion(parseVersion(version))}`;

/** The AliasEvent mlci wrote in a tag message (after GTO's first line), or null for a message without one. */
export function eventInMessage(message: string): unknown | null {
  const start = message.indexOf('\n{');
  const json = start >= 0 ? message.slice(start + 1) : message.trimStart().startsWith('{') ? message.trimStart() : null;
  if (json === null) return null;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** One git tag of a model as read from GitHub (ref + tag object) or from `git for-each-ref`. */
export interface GitTagInfo {
  /** Without `refs/tags/`. */
  name: string;
  /** An annotated tag (a tag object); GTO ignores lightweight ones. */
  annotated: boolean;
  /** The commit it names (annotated tags peeled). */
  commit: string;
  /** Tagger date, ISO 8601 (annotated tags). */
  date?: string;
  tagger?: string;
  message?: string;
}

/** A version as the tags (and the backend's own records) make it up. */
export interface GtoVersion {
  version: string;
  tag: string;
  commit: string;
  /** Registered and not deregistered since. */
  active: boolean;
  /** Who tagged it and when (the registration tag), when it was an annotated tag. */
  by: string | null;
  at: string | null;
  message: string | null;
}

/** What a backend already knows about a version before the tags are read (a release or a local record). */
export interface KnownVersion {
  version: string;
  commit: string | null;
  runId: string;
  cardSha256: string;
}

export interface GtoModelState {
  name: string;
  /** Versions registered by annotated tags (GTO's view); a backend adds its own records. */
  versions: Map<string, GtoVersion>;
  /** The model's newest event is a deprecation: GTO hides it and none of its stages hold. */
  deprecated: boolean;
  /** Every alias's history: one event per assignment tag, plus one wherever a `!` or deprecation moved the holder. */
  aliases: Map<string, AliasEvent[]>;
}

interface Step {
  tag: GitTagInfo;
  parsed: GtoTagName;
  seconds: number;
}

const seconds = (iso: string | undefined) => (iso ? Math.floor(Date.parse(iso) / 1000) : Number.NEGATIVE_INFINITY);

/**
 * Orders tags as GTO means them: by tagger date in seconds; within one second by N (GTO itself leaves ties in
 * name order, so two assignments in one second can come out reversed); a simple-notation tag (no N) first.
 */
export function orderTags<T extends { seconds: number; parsed: GtoTagName; tag: { name: string } }>(steps: T[]): T[] {
  return [...steps].sort(
    (a, b) =>
      a.seconds - b.seconds ||
      (a.parsed.counter ?? -1) - (b.parsed.counter ?? -1) ||
      (a.tag.name < b.tag.name ? -1 : a.tag.name > b.tag.name ? 1 : 0),
  );
}

/**
 * The registry state of model `name` from its git tags, by GTO's rules (`gto show` with its default
 * `--sort timestamp` and one version per stage):
 * - a version is registered by an annotated `NAME@vX.Y.Z` (or is one of `known`: the backend's own records)
 *   and inactive after a newer `NAME@vX.Y.Z!`;
 * - an assignment tag names the version registered at its commit (mlci's tags name it in their record);
 * - a stage holds the active version whose newest assignment (not undone by a newer `!`) is the newest;
 * - while the model's newest tag is a deprecation, no stage holds.
 * Each alias's history is AliasEvents whose `seq` is the tag's N: the next assignment is N+1 of the highest, so
 * mlci's compare-and-swap (create `NAME#ALIAS#N+1`) works on a history GTO wrote.
 */
export function gtoModelState(
  name: string,
  tags: GitTagInfo[],
  known: KnownVersion[] = [],
  parseEvent?: (value: unknown, where: string) => AliasEvent,
): GtoModelState {
  const steps: Step[] = [];
  for (const tag of tags) {
    const parsed = parseGtoTag(tag.name);
    // GTO drops lightweight tags: they carry no date, so they cannot be ordered.
    if (parsed?.name === name && tag.annotated) steps.push({ tag, parsed, seconds: seconds(tag.date) });
  }
  const ordered = orderTags(steps);
  const versions = new Map<string, GtoVersion>();
  const knownBy = new Map(known.map((k) => [k.version, k]));
  // A backend's own record (a release with card.json) is a version from the start, whatever its tag.
  const active = new Map<string, boolean>(known.map((k) => [k.version, true]));
  const commits = () => {
    const out = new Map<string, string[]>();
    const add = (version: string, commit: string | null) => {
      if (!commit) return;
      const list = out.get(commit) ?? [];
      if (!list.includes(version)) list.push(version);
      out.set(commit, list);
    };
    for (const k of known) add(k.version, k.commit);
    for (const v of versions.values()) add(v.version, v.commit);
    return out;
  };
  for (const { tag, parsed } of ordered) {
    if (parsed.action === 'register' && !versions.has(parsed.version!)) {
      versions.set(parsed.version!, {
        version: parsed.version!,
        tag: tag.name,
        commit: tag.commit,
        active: true,
        by: tag.tagger ?? null,
        at: tag.date ?? null,
        message: tag.message?.split('\n')[0] ?? null,
      });
    }
  }
  const byCommit = commits();

  /** The version an assignment/unassignment tag names: the one registered at its commit. */
  const versionAt = (tag: GitTagInfo): string | null => {
    const here = byCommit.get(tag.commit) ?? [];
    if (here.length > 1)
      throw inputError(
        `${tag.name} is on commit ${tag.commit.slice(0, 12)}, which holds versions ${here.map((v) => `v${v}`).join(', ')} of ${name}`,
        {
          hint: 'GTO allows one version of a model per commit and reads this tag the same way ("Multiple versions are not allowed on the same Git commit"); delete the tag or one of the version tags',
        },
      );
    return here[0] ?? null;
  };

  interface StageOf {
    active: boolean;
    /** Position of its newest assignment in `ordered`. */
    newest: number;
  }
  const stages = new Map<string, Map<string, StageOf>>();
  const histories = new Map<string, AliasEvent[]>();
  const holderNow = new Map<string, string | null>();
  let deprecated = false;

  const holderOf = (alias: string): string | null => {
    if (deprecated) return null;
    let best: { version: string; newest: number } | null = null;
    for (const [version, s] of stages.get(alias) ?? []) {
      if (!s.active || !active.get(version)) continue;
      if (!best || s.newest > best.newest) best = { version, newest: s.newest };
    }
    return best?.version ?? null;
  };

  /** Records what `step` did to `alias`: its own tag always (so seq follows N), another tag only when the holder moved. */
  const emit = (alias: string, step: Step, own: boolean, named: string | null, record: AliasEvent | null) => {
    const history = histories.get(alias) ?? [];
    histories.set(alias, history);
    const before = holderNow.get(alias) ?? null;
    const after = holderOf(alias);
    holderNow.set(alias, after);
    const last = history[history.length - 1];
    if (!own && before === after) return;
    const seq = own && step.parsed.counter !== null ? step.parsed.counter : (last?.seq ?? 0);
    const by = step.tag.tagger ?? '';
    const at = step.tag.date ?? '';
    if (record && record.version === after) {
      history.push(record);
      return;
    }
    if (before === after) {
      // A tag that moved nothing (a repeated assignment, an unassignment of a version not holding it): the state
      // stays, under the tag's N.
      if (last) history.push({ ...last, seq, by, at });
      return;
    }
    const k = after ? knownBy.get(after) : before ? knownBy.get(before) : undefined;
    const base = { schema: 1 as const, name, alias, seq, previous: before, runId: k?.runId ?? '', cardSha256: k?.cardSha256 ?? '', by, at };
    if (after === null) {
      history.push({ ...base, action: 'unassign', version: before!, basis: 0 });
    } else if (own && step.parsed.action === 'assign' && named === after) {
      history.push({ ...base, action: 'promote', version: after, basis: last?.seq ?? 0 });
    } else {
      // The holder fell back to an earlier one (its newer assignment undone, deregistered, or the model
      // undeprecated): like a rollback, it takes the basis of the event that made it the holder before.
      const restored = [...history].reverse().find((e) => e.version === after && e.action !== 'unassign');
      history.push({ ...base, action: 'rollback', version: after, basis: restored?.basis ?? 0 });
    }
  };

  ordered.forEach((step, position) => {
    const { tag, parsed } = step;
    const wasDeprecated = deprecated;
    deprecated = parsed.action === 'deprecate';
    let record: AliasEvent | null = null;
    let named: string | null = null;
    if (parsed.action === 'register') active.set(parsed.version!, true);
    else if (parsed.action === 'deregister') active.set(parsed.version!, false);
    else if (parsed.action === 'assign' || parsed.action === 'unassign') {
      const alias = parsed.stage!;
      const value = parsed.action === 'assign' ? eventInMessage(tag.message ?? '') : null;
      if (value === undefined)
        throw inputError(`${tag.name}'s message carries an assignment record that is not JSON`, {
          file: tag.name,
          hint: "the tag was edited by hand; delete it, or re-create it with GTO's message alone",
        });
      if (value !== null && parseEvent) {
        record = parseEvent(value, tag.name);
        if (record.seq !== parsed.counter || record.name !== name || record.alias !== alias)
          throw inputError(`${tag.name}'s record names ${record.name}#${record.alias}#${record.seq}`, {
            hint: 'the tag was copied or edited by hand',
          });
        named = record.version;
      } else named = versionAt(tag);
      if (named) {
        const perAlias = stages.get(alias) ?? new Map<string, StageOf>();
        stages.set(alias, perAlias);
        const s = perAlias.get(named) ?? { active: false, newest: -1 };
        if (parsed.action === 'assign') {
          s.active = true;
          s.newest = position;
        } else s.active = false;
        perAlias.set(named, s);
      }
    }
    const everyAlias = wasDeprecated !== deprecated || parsed.action === 'register' || parsed.action === 'deregister';
    if (parsed.stage) emit(parsed.stage, step, true, named, record);
    if (everyAlias) for (const alias of stages.keys()) if (alias !== parsed.stage) emit(alias, step, false, null, null);
  });
  for (const [alias, history] of histories) if (!history.length) histories.delete(alias);
  for (const [version, on] of active) {
    const v = versions.get(version);
    if (v) v.active = on;
  }
  return { name, versions, deprecated, aliases: histories };
}

/**
 * A version GTO registered with a tag alone (no release, no stored files): its card says what the tag says (name,
 * version, tag, commit, tagger, date) and lists no files. `url` is where the tag can be seen.
 */
export function gtoVersionRecord(name: string, version: GtoVersion, url: string): VersionRecord {
  const card: ModelCard = {
    schema: 1,
    name,
    version: version.version,
    tag: version.tag,
    runId: '',
    runName: '',
    experiment: '',
    commit: version.commit,
    branch: null,
    metrics: {},
    params: {},
    datasets: [],
    environment: { node: '', python: null, platform: '', lockFiles: [] },
    promotedBy: version.by ?? '',
    promotedAt: version.at ?? '',
    gates: [],
    files: [],
  };
  return { name, version: version.version, tag: version.tag, card, cardSha256: '', assets: [], url, source: 'gto' };
}
