/**
 * Would GitHub start this workflow for this event? The `on:` filters as "Workflow syntax for GitHub Actions"
 * documents them: push `branches`/`branches-ignore`/`tags`/`tags-ignore`/`paths`/`paths-ignore`,
 * pull_request `branches` (the base)/`paths`/`types`, and `types` of the other activity events, with the
 * filter pattern cheat sheet's glob rules.
 */
import { parse } from 'yaml';

/** The facts of an event the filters look at. */
export interface TriggerEvent {
  /** Event name: push, pull_request, release, schedule, workflow_dispatch, … */
  name: string;
  /** Activity type (pull_request: opened, synchronize, …; release: published, …). */
  action?: string;
  /** push: the full ref pushed (refs/heads/x, refs/tags/x). */
  ref?: string;
  /** pull_request: the base branch's name. */
  baseRef?: string;
  /** Paths the push or pull request changed. */
  paths?: string[];
}

export interface TriggerDecision {
  triggered: boolean;
  /** Why, in words: which filter decided. */
  reason: string;
}

/** GitHub's defaults when `types:` is absent; events not listed here run for every activity type. */
const DEFAULT_TYPES: Record<string, string[]> = {
  pull_request: ['opened', 'synchronize', 'reopened'],
  pull_request_target: ['opened', 'synchronize', 'reopened'],
};

/** One glob as a RegExp: `*` any run without `/`, `**` anything, `?` / `+` zero-or-one / one-or-more of the previous character or class, `[...]` a class, `\` escapes. */
export function globToRegExp(pattern: string): RegExp {
  const tokens: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) tokens.push(escapeRegExp(pattern[++i]!));
    else if (ch === '*' && pattern[i + 1] === '*') {
      i++;
      // `**/` also matches no directory at all: docs/**/*.md matches docs/README.md.
      if (pattern[i + 1] === '/') {
        i++;
        tokens.push('(?:.*/)?');
      } else tokens.push('.*');
    } else if (ch === '*') tokens.push('[^/]*');
    else if ((ch === '?' || ch === '+') && tokens.length) tokens.push(`(?:${tokens.pop()})${ch}`);
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) tokens.push('\\[');
      else {
        tokens.push(`[${pattern.slice(i + 1, end).replace(/[\\\]^]/g, '\\$&')}]`);
        i = end;
      }
    } else tokens.push(escapeRegExp(ch));
  }
  return new RegExp(`^${tokens.join('')}$`);
}
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Whether a name is selected by a pattern list: patterns apply in order, a `!pattern` that matches deselects, a later match selects again. */
export function matchesFilter(name: string, patterns: string[]): boolean {
  let selected = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    if (globToRegExp(negated ? raw.slice(1) : raw).test(name)) selected = !negated;
  }
  return selected;
}

/** The `on:` section as event name -> its filters (null when none), for the string, list and map forms. */
export function workflowEvents(workflow: unknown): Record<string, Record<string, unknown> | null> {
  const on = (workflow as { on?: unknown; true?: unknown })?.on ?? (workflow as { true?: unknown })?.true; // YAML 1.1 parsers read `on` as true
  if (typeof on === 'string') return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((e) => [String(e), null]));
  if (on && typeof on === 'object')
    return Object.fromEntries(
      Object.entries(on).map(([k, v]) => [k, v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null]),
    );
  return {};
}

const list = (v: unknown): string[] | undefined => (v === undefined || v === null ? undefined : (Array.isArray(v) ? v : [v]).map(String));

/** A filter and its -ignore twin; GitHub rejects the workflow when both are set for one event. */
function pair(filters: Record<string, unknown>, key: string, event: string): { include?: string[]; ignore?: string[] } {
  const include = list(filters[key]);
  const ignore = list(filters[`${key}-ignore`]);
  if (include && ignore) throw new Error(`on.${event}: ${key} and ${key}-ignore cannot both be used for the same event`);
  return { include, ignore };
}

/** Applies `key` / `key-ignore` to one name (a branch, a tag); undefined when neither is set. */
function nameFilter(filters: Record<string, unknown>, key: string, event: string, name: string): TriggerDecision | undefined {
  const { include, ignore } = pair(filters, key, event);
  if (include)
    return matchesFilter(name, include)
      ? { triggered: true, reason: `${name} matches ${key}` }
      : { triggered: false, reason: `${name} matches no pattern of on.${event}.${key} ${JSON.stringify(include)}` };
  if (ignore)
    return matchesFilter(name, ignore)
      ? { triggered: false, reason: `${name} matches on.${event}.${key}-ignore ${JSON.stringify(ignore)}` }
      : { triggered: true, reason: `${name} not ignored` };
  return undefined;
}

/** `paths` runs when at least one changed path is selected; `paths-ignore` skips when every changed path is ignored. */
function pathFilter(filters: Record<string, unknown>, event: string, paths: string[]): TriggerDecision | undefined {
  const { include, ignore } = pair(filters, 'paths', event);
  if (include) {
    const hit = paths.find((p) => matchesFilter(p, include));
    return hit
      ? { triggered: true, reason: `${hit} matches paths` }
      : {
          triggered: false,
          reason: `no changed path (${paths.join(', ') || 'none'}) matches on.${event}.paths ${JSON.stringify(include)}`,
        };
  }
  if (ignore) {
    const kept = paths.find((p) => !matchesFilter(p, ignore));
    return kept
      ? { triggered: true, reason: `${kept} is not ignored` }
      : {
          triggered: false,
          reason: `every changed path (${paths.join(', ') || 'none'}) matches on.${event}.paths-ignore ${JSON.stringify(ignore)}`,
        };
  }
  return undefined;
}

/** Decides as GitHub does whether `workflow` (YAML text or parsed) runs for `event`. Throws on filter combinations GitHub rejects. */
export function triggers(workflow: string | object, event: TriggerEvent): TriggerDecision {
  const events = workflowEvents(typeof workflow === 'string' ? parse(workflow) : workflow);
  if (!(event.name in events)) return { triggered: false, reason: `on: has no ${event.name} (on: ${Object.keys(events).join(', ')})` };
  const filters = events[event.name] ?? {};
  const types = list(filters.types) ?? DEFAULT_TYPES[event.name];
  if (types && event.action !== undefined && !types.includes(event.action)) {
    return {
      triggered: false,
      reason: `${event.name} activity "${event.action}" is not in ${filters.types ? `on.${event.name}.types` : 'the default types'} ${JSON.stringify(types)}`,
    };
  }
  if (event.name === 'push') return pushDecision(filters, event);
  if (event.name === 'pull_request' || event.name === 'pull_request_target') {
    const base = nameFilter(filters, 'branches', event.name, event.baseRef ?? '');
    if (base && !base.triggered) return { triggered: false, reason: `base branch ${base.reason}` };
    return pathFilter(filters, event.name, event.paths ?? []) ?? { triggered: true, reason: `on: ${event.name}` };
  }
  return { triggered: true, reason: `on: ${event.name}` };
}

/** push: branch filters for branch refs, tag filters for tag refs; with only one kind set, the other kind never runs. Paths are not evaluated for tags. */
function pushDecision(filters: Record<string, unknown>, event: TriggerEvent): TriggerDecision {
  const ref = event.ref ?? '';
  const isTag = ref.startsWith('refs/tags/');
  const name = ref.replace(/^refs\/(heads|tags)\//, '');
  const hasBranches = filters.branches !== undefined || filters['branches-ignore'] !== undefined;
  const hasTags = filters.tags !== undefined || filters['tags-ignore'] !== undefined;
  const own = nameFilter(filters, isTag ? 'tags' : 'branches', 'push', name);
  if (own && !own.triggered) return own;
  if (!own && (isTag ? hasBranches : hasTags)) {
    return {
      triggered: false,
      reason: `on.push filters only ${isTag ? 'branches' : 'tags'}, so a ${isTag ? 'tag' : 'branch'} push (${ref}) does not run it`,
    };
  }
  if (isTag) return own ?? { triggered: true, reason: 'on: push' };
  return pathFilter(filters, 'push', event.paths ?? []) ?? own ?? { triggered: true, reason: 'on: push' };
}
