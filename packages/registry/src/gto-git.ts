import { execFile } from 'node:child_process';
import { inputError } from '@mlci/core';
import { gtoModelState, gtoVersionRecord, parseGtoTag, type GitTagInfo, type GtoModelState } from './gto';
import { parseAliasEvent } from './history';
import { compareVersions } from './names';
import type { VersionRecord } from './types';

/**
 * GTO's tags in a local git repository, for the local registry (a laptop in a GTO repository): read with one
 * `git for-each-ref` per call, no state kept. A model whose registry is GTO's tags (no `.mlci/registry/<name>`) is
 * listed and shown from them; it is read-only here (see LocalRegistry).
 */
export class GitTagReader {
  constructor(readonly dir: string) {}

  /** Every GTO tag of the repository by model name; empty outside a git work tree or without git. */
  async tags(): Promise<Map<string, GitTagInfo[]>> {
    const out = new Map<string, GitTagInfo[]>();
    const fields = [
      '%(refname:strip=2)',
      '%(objecttype)',
      '%(objectname)',
      '%(*objectname)',
      '%(taggername)',
      '%(taggerdate:iso-strict)',
      '%(contents)',
    ];
    const text = await new Promise<string>((resolve) =>
      execFile(
        'git',
        ['-C', this.dir, 'for-each-ref', 'refs/tags', `--format=${fields.join('%00')}%00`],
        { maxBuffer: 256 << 20, encoding: 'utf8' },
        // Not a git repository, or no git: no GTO tags (the local registry works as before).
        (error, stdout) => resolve(error ? '' : stdout),
      ),
    );
    // No field holds a NUL: each record is 7 fields and a NUL, then for-each-ref's newline (which thus opens
    // the next record's first field).
    const parts = text.split('\0');
    for (let i = 0; i + 7 <= parts.length; i += 7) {
      const [rawName, type, sha, peeled, tagger, date, message] = parts.slice(i, i + 7) as string[];
      const name = rawName.replace(/^\n/, '');
      const parsed = parseGtoTag(name);
      if (!parsed) continue;
      const info: GitTagInfo =
        type === 'tag'
          ? { name, annotated: true, commit: peeled || sha, tagger, date: date || undefined, message }
          : { name, annotated: false, commit: sha };
      out.set(parsed.name, [...(out.get(parsed.name) ?? []), info]);
    }
    return out;
  }

  /** The model's state by GTO's rules, or null when the repository has no GTO tag of it. */
  async model(name: string): Promise<GtoModelState | null> {
    const tags = (await this.tags()).get(name);
    return tags?.length ? gtoModelState(name, tags, [], parseAliasEvent) : null;
  }

  /** Its registered, not deregistered versions, ascending (source 'gto'). */
  versions(state: GtoModelState): VersionRecord[] {
    return [...state.versions.values()]
      .filter((v) => v.active)
      .map((v) => gtoVersionRecord(state.name, v, `${this.dir} (git tag ${v.tag})`))
      .sort((a, b) => compareVersions(a.version, b.version));
  }

  /** Models GTO lists: with an active version, not deprecated. */
  async models(): Promise<string[]> {
    const out: string[] = [];
    for (const [name, tags] of await this.tags()) {
      const state = gtoModelState(name, tags, [], parseAliasEvent);
      if (!state.deprecated && [...state.versions.values()].some((v) => v.active)) out.push(name);
    }
    return out.sort();
  }
}

/** The refusal of a local write to a model whose registry is GTO's tags. */
export function gtoReadOnly(name: string, dir: string): Error {
  return inputError(
    `${name}'s registry is GTO's tags in the git repository ${dir}; the local registry reads them but does not write tags`,
    {
      hint: `promote with --github (the GitHub registry writes GTO's tags, then \`git fetch --tags\`), or use \`gto register\` / \`gto assign\``,
    },
  );
}
