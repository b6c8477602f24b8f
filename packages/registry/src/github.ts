import type { Octokit } from '@octokit/rest';
import { MlciError, inputError, sha256Hex } from '@mlci/core';
import {
  createGitHubClient,
  GitHubRemoteError,
  publishRelease,
  ReleaseTagTakenError,
  statusOf,
  validationProblems,
  type GitHubClient,
  type GitHubClientOptions,
  type PublishedRelease,
} from '@mlci/core/github';
import { AliasConflictError, VersionExistsError } from './errors';
import { parseAliasEvent } from './history';
import { aliasTag, assertAlias, assertModelName, compareVersions, parseAliasTag, parseVersionTag, versionTag } from './names';
import type { AliasEvent, ModelCard, PublishOptions, RegistryBackend, VersionRecord } from './types';

export interface GitHubRegistryOptions {
  owner: string;
  repo: string;
  /** Token with `contents: write` to promote; `contents: read` is enough to list, show and download. */
  token?: string;
  /** API base URL. @default $GITHUB_API_URL, else https://api.github.com */
  baseUrl?: string;
  /**
   * Settings of the client made by `createGitHubClient` (retries of idempotent calls on 5xx and dropped
   * connections, rate-limit waits, writes paced one a second). Ignored with `octokit`.
   * @default createGitHubClient's defaults (3 retries, 1 s backoff unit, writes paced)
   */
  client?: Omit<GitHubClientOptions, 'token' | 'baseUrl'>;
  /** A ready client; overrides token, baseUrl and client. @default createGitHubClient({token, baseUrl, ...client}) */
  octokit?: Octokit;
}

type Release = PublishedRelease;

interface Ref {
  ref: string;
  object: { sha: string; type: string };
}

/** What to do about a commit GitHub refused as the release's target. */
function publishHint(error: unknown, commit: string | null | undefined): string | undefined {
  if (!validationProblems(error).some((e) => e.field === 'target_commitish')) return undefined;
  return `GitHub does not know the commit the release is tagged at${commit ? ` (${String(commit).slice(0, 12)})` : ''}: push it, then promote again`;
}

/**
 * The registry on a GitHub repository:
 * - a version is a release tagged `name@vX.Y.Z` (GTO) whose assets are the model files, card.json, card.md and
 *   SHA256SUMS, published by @mlci/core/github's publishRelease (draft, upload, verify, publish; a failed
 *   attempt leaves no draft, so a rerun promotes the same version number);
 * - an alias assignment is an annotated GTO tag `name#alias#N` on the version's commit whose message carries the
 *   AliasEvent as JSON. Creating a ref is atomic on GitHub (422 when it exists), so "create #N+1" is the
 *   compare-and-swap: of two promotions that both read #N, exactly one creates #N+1.
 */
export class GitHubRegistry implements RegistryBackend {
  readonly kind = 'github' as const;
  readonly location: string;
  private readonly octokit: Octokit;
  private readonly owner: string;
  private readonly repo: string;
  private readonly cards = new Map<number, { card: ModelCard; cardSha256: string }>();

  constructor(options: GitHubRegistryOptions) {
    this.owner = options.owner;
    this.repo = options.repo;
    this.location = `${options.owner}/${options.repo}`;
    this.octokit =
      options.octokit ??
      createGitHubClient({ userAgent: 'mlci-registry', ...options.client, token: options.token, baseUrl: options.baseUrl });
  }

  private get r() {
    return { owner: this.owner, repo: this.repo };
  }

  private async call<T>(what: string, body: () => Promise<{ data: T }>): Promise<T> {
    try {
      return (await body()).data;
    } catch (error) {
      throw this.remote(what, error);
    }
  }

  /** A failure said as what the registry was doing; the status (and exit 3) stay. */
  private remote(what: string, error: unknown): MlciError {
    if (error instanceof GitHubRemoteError) return error.during({ operation: `${what} on ${this.location}` });
    if (error instanceof MlciError) return error;
    return new MlciError('remote', `GitHub ${what} failed: ${(error as Error)?.message ?? String(error)}`, {
      hint: 'GitHub could not be reached; rerun the job',
      cause: error,
    });
  }

  private releases(): Promise<Release[]> {
    return this.call('list releases', async () => ({
      data: (await this.octokit.paginate('GET /repos/{owner}/{repo}/releases', { ...this.r, per_page: 100 })) as unknown as Release[],
    }));
  }

  private matchingRefs(prefix: string): Promise<Ref[]> {
    return this.call(`list refs ${prefix}`, async () => ({
      data: (await this.octokit.paginate('GET /repos/{owner}/{repo}/git/matching-refs/{ref}', {
        ...this.r,
        ref: prefix,
        per_page: 100,
      })) as unknown as Ref[],
    }));
  }

  private async tagRef(tag: string): Promise<Ref | null> {
    return (await this.matchingRefs(`tags/${tag}`)).find((r) => r.ref === `refs/tags/${tag}`) ?? null;
  }

  /** The commit a tag ref names: annotated tags (possibly nested) are peeled. */
  private async commitOf(ref: Ref): Promise<string> {
    let object = ref.object;
    for (let depth = 0; object.type === 'tag' && depth < 10; depth++) {
      const sha = object.sha;
      object = (
        await this.call<{ object: { sha: string; type: string } }>(
          `read tag ${ref.ref}`,
          () =>
            this.octokit.request('GET /repos/{owner}/{repo}/git/tags/{tag_sha}', { ...this.r, tag_sha: sha }) as Promise<{
              data: { object: { sha: string; type: string } };
            }>,
        )
      ).object;
    }
    return object.sha;
  }

  async listModels(): Promise<string[]> {
    const names = new Set<string>();
    for (const release of await this.releases()) {
      const parsed = parseVersionTag(release.tag_name);
      if (parsed && !release.draft) names.add(parsed.name);
    }
    return [...names].sort();
  }

  async takenVersions(name: string): Promise<string[]> {
    const taken = new Set<string>();
    // A draft is a failed attempt that publishRelease replaces: its number is still free.
    for (const release of await this.releases()) {
      const parsed = parseVersionTag(release.tag_name);
      if (parsed?.name === name && !release.draft) taken.add(parsed.version);
    }
    for (const ref of await this.matchingRefs(`tags/${name}@v`)) {
      const parsed = parseVersionTag(ref.ref.slice('refs/tags/'.length));
      if (parsed?.name === name) taken.add(parsed.version);
    }
    return [...taken];
  }

  async listVersions(name: string): Promise<VersionRecord[]> {
    assertModelName(name);
    const out: VersionRecord[] = [];
    for (const release of await this.releases()) {
      const parsed = parseVersionTag(release.tag_name);
      if (!parsed || parsed.name !== name || release.draft) continue;
      out.push(await this.toRecord(release, parsed.version));
    }
    return out.sort((a, b) => compareVersions(a.version, b.version));
  }

  private async toRecord(release: Release, version: string): Promise<VersionRecord> {
    let cached = this.cards.get(release.id);
    if (!cached) {
      const asset = release.assets.find((a) => a.name === 'card.json');
      if (!asset)
        throw inputError(`release ${release.tag_name} has no card.json asset`, {
          hint: 'it was not registered by mlci, or its assets were edited; register the model again',
        });
      const bytes = await this.download(asset.id, `${release.tag_name}/card.json`);
      let card: ModelCard;
      try {
        card = JSON.parse(Buffer.from(bytes).toString('utf8')) as ModelCard;
      } catch {
        throw inputError(`card.json of ${release.tag_name} is not JSON`, { hint: 'the asset was modified after registration' });
      }
      cached = { card, cardSha256: sha256Hex(bytes) };
      this.cards.set(release.id, cached);
    }
    const name = parseVersionTag(release.tag_name)!.name;
    return {
      name,
      version,
      tag: release.tag_name,
      card: cached.card,
      cardSha256: cached.cardSha256,
      assets: release.assets.map((a) => ({ name: a.name, size: a.size })),
      url: release.html_url,
    };
  }

  private async download(assetId: number, what: string): Promise<Uint8Array> {
    const data = await this.call(`download ${what}`, () =>
      this.octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
        ...this.r,
        asset_id: assetId,
        headers: { accept: 'application/octet-stream' },
      }),
    );
    return data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : typeof data === 'string'
        ? Buffer.from(data)
        : new Uint8Array(data as unknown as ArrayBuffer);
  }

  async publishVersion(options: PublishOptions): Promise<VersionRecord> {
    const tag = versionTag(options.name, options.version);
    // A draft is an attempt that failed (publishRelease deletes it and takes the tag again), not a version.
    const clash = (await this.releases()).find((r) => r.tag_name === tag && !r.draft);
    const existingTag = await this.tagRef(tag);
    if (clash) throw new VersionExistsError(tag, this.location);
    if (existingTag) {
      if (!options.adoptTag) throw new VersionExistsError(tag, this.location);
      // A pushed tag is often annotated (`git tag -a`, GTO): compare the commit it names, not the tag object.
      const tagged = await this.commitOf(existingTag);
      if (tagged !== options.commit)
        throw inputError(`tag ${tag} points at ${tagged.slice(0, 12)}, not at the run's commit ${String(options.commit).slice(0, 12)}`, {
          hint: 'promote the run trained at the tagged commit',
        });
    }
    let published: Release;
    try {
      published = await publishRelease({
        client: this.octokit as GitHubClient,
        ...this.r,
        tag,
        body: options.body,
        target: options.commit ?? undefined,
        assets: options.assets,
      });
    } catch (error) {
      if (error instanceof ReleaseTagTakenError) throw new VersionExistsError(tag, this.location);
      const hint = publishHint(error instanceof MlciError ? error.cause : error, options.commit);
      const e = this.remote(`publish ${tag}`, error);
      throw new MlciError(e.kind, `${e.message}; no alias moved`, { hint: hint ?? e.hint, cause: error });
    }
    return this.toRecord(published, parseVersionTag(tag)!.version);
  }

  async readAsset(name: string, version: string, asset: string): Promise<Uint8Array> {
    const tag = versionTag(name, version);
    const release = await this.call<Release>(
      `read release ${tag}`,
      () => this.octokit.request('GET /repos/{owner}/{repo}/releases/tags/{tag}', { ...this.r, tag }) as Promise<{ data: Release }>,
    );
    const entry = release.assets.find((a) => a.name === asset);
    if (!entry) throw inputError(`${tag} has no asset "${asset}"`, { hint: 'the release was edited after registration' });
    return this.download(entry.id, `${tag}/${asset}`);
  }

  async listAliases(name: string): Promise<string[]> {
    const aliases = new Set<string>();
    for (const ref of await this.matchingRefs(`tags/${assertModelName(name)}#`)) {
      const parsed = parseAliasTag(ref.ref.slice('refs/tags/'.length));
      if (parsed?.name === name) aliases.add(parsed.alias);
    }
    return [...aliases].sort();
  }

  async aliasHistory(name: string, alias: string): Promise<AliasEvent[]> {
    assertAlias(alias);
    const events: AliasEvent[] = [];
    for (const ref of await this.matchingRefs(`tags/${assertModelName(name)}#${alias}#`)) {
      const tag = ref.ref.slice('refs/tags/'.length);
      const parsed = parseAliasTag(tag);
      if (!parsed || parsed.name !== name || parsed.alias !== alias) continue;
      if (ref.object.type !== 'tag')
        throw inputError(`${tag} is a lightweight tag, so it carries no assignment record`, {
          hint: 'alias tags are written by mlci as annotated tags; delete this one or re-run the promotion',
        });
      const object = await this.call<{ message: string }>(
        `read tag ${tag}`,
        () =>
          this.octokit.request('GET /repos/{owner}/{repo}/git/tags/{tag_sha}', { ...this.r, tag_sha: ref.object.sha }) as Promise<{
            data: { message: string };
          }>,
      );
      const json = object.message.slice(object.message.indexOf('{'));
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch {
        throw inputError(`${tag}'s message holds no assignment record`, { file: tag });
      }
      const event = parseAliasEvent(value, tag);
      if (event.seq !== parsed.seq || event.name !== name || event.alias !== alias)
        throw inputError(`${tag}'s record names ${event.name}#${event.alias}#${event.seq}`, {
          hint: 'the tag was copied or edited by hand',
        });
      events.push(event);
    }
    return events.sort((a, b) => a.seq - b.seq);
  }

  async appendAliasEvent(event: AliasEvent): Promise<void> {
    const tag = aliasTag(event.name, event.alias, event.seq);
    const versionRef = await this.tagRef(versionTag(event.name, event.version));
    if (!versionRef)
      throw inputError(`${versionTag(event.name, event.version)} has no git tag, so it is not a published version`, {
        hint: 'an alias only ever points to a published release',
      });
    // Alias tags point at the commit the version was built from, whether its tag is lightweight or annotated.
    const commit = await this.commitOf(versionRef);
    const message = `${event.action === 'rollback' ? 'Rolling back' : 'Assigning'} ${event.alias} to ${event.name} v${event.version} (mlci)\n\n${JSON.stringify(event)}\n`;
    const object = await this.call<{ sha: string }>(
      `create tag object ${tag}`,
      () =>
        this.octokit.request('POST /repos/{owner}/{repo}/git/tags', {
          ...this.r,
          tag,
          message,
          object: commit,
          type: 'commit',
        }) as Promise<{ data: { sha: string } }>,
    );
    // Creating the ref is the compare-and-swap. A POST is never retried blindly: a 5xx or a dropped connection
    // may hide a create GitHub applied, and a second attempt would then read as a lost race (422). The ref
    // itself says what happened: ours (done), someone else's (lost), or absent (safe to create again, once).
    for (let attempt = 0; ; attempt++) {
      try {
        await this.octokit.request('POST /repos/{owner}/{repo}/git/refs', { ...this.r, ref: `refs/tags/${tag}`, sha: object.sha });
        return;
      } catch (error) {
        const code = statusOf(error);
        if (code === 422) throw new AliasConflictError(event.alias, event.seq - 1, null);
        if (code !== undefined && code < 500) throw this.remote(`create ${tag}`, error);
        const landed = await this.tagRef(tag).catch(() => undefined);
        if (landed?.object.sha === object.sha) return;
        if (landed) throw new AliasConflictError(event.alias, event.seq - 1, null);
        if (landed === undefined || attempt >= 1) throw this.remote(`create ${tag}`, error);
      }
    }
  }
}
