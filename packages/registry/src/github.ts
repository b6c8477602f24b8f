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
import {
  assignmentMessage,
  gtoModelState,
  gtoVersionRecord,
  parseGtoTag,
  registrationMessage,
  type GitTagInfo,
  type GtoModelState,
} from './gto';
import { parseAliasEvent } from './history';
import { aliasTag, assertAlias, assertModelName, compareVersions, parseVersionTag, versionTag } from './names';
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

interface TagObject {
  sha: string;
  message: string;
  object: { sha: string; type: string };
  tagger?: { name?: string; email?: string; date?: string };
}

/** What to do about a commit GitHub refused as the release's target. */
function publishHint(error: unknown, commit: string | null | undefined): string | undefined {
  if (!validationProblems(error).some((e) => e.field === 'target_commitish')) return undefined;
  return `GitHub does not know the commit the release is tagged at${commit ? ` (${String(commit).slice(0, 12)})` : ''}: push it, then promote again`;
}

/**
 * The registry on a GitHub repository, shared with GTO (gto.ts):
 * - a version is a release tagged `name@vX.Y.Z` whose assets are the model files, card.json, card.md and
 *   SHA256SUMS. The tag is created first as an annotated tag with GTO's registration message, then the release
 *   is published on it by @mlci/core/github's publishRelease (draft, upload, verify, publish); a failed attempt
 *   deletes the tag it created and leaves no draft, so a rerun promotes the same version number;
 * - an alias assignment is an annotated GTO tag `name#alias#N` on the version's commit: GTO's assignment
 *   message, then the AliasEvent as JSON. Creating a ref is atomic on GitHub (422 when it exists), so
 *   "create #N+1" is the compare-and-swap: of two promotions that both read #N, exactly one creates #N+1;
 * - GTO's own tags (`gto register`, `gto assign`, `!` and `@deprecated`, no JSON) are history too: a version
 *   registered by a tag alone is listed (source 'gto', no files), a stage is an alias, GTO's rules decide holders.
 */
export class GitHubRegistry implements RegistryBackend {
  readonly kind = 'github' as const;
  readonly location: string;
  private readonly octokit: Octokit;
  private readonly owner: string;
  private readonly repo: string;
  private readonly cards = new Map<number, { card: ModelCard; cardSha256: string }>();
  /** Tag objects by sha: git objects never change, so one read each. */
  private readonly tagObjects = new Map<string, TagObject>();

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

  private async tagObject(sha: string, what: string): Promise<TagObject> {
    let object = this.tagObjects.get(sha);
    if (!object) {
      object = await this.call<TagObject>(
        `read tag ${what}`,
        () =>
          this.octokit.request('GET /repos/{owner}/{repo}/git/tags/{tag_sha}', { ...this.r, tag_sha: sha }) as Promise<{ data: TagObject }>,
      );
      this.tagObjects.set(sha, object);
    }
    return object;
  }

  /** The commit a tag ref names: annotated tags (possibly nested) are peeled. */
  private async commitOf(ref: Ref): Promise<string> {
    let object = ref.object;
    for (let depth = 0; object.type === 'tag' && depth < 10; depth++) object = (await this.tagObject(object.sha, ref.ref)).object;
    return object.sha;
  }

  /** A tag as gto.ts reads it: annotated or not, the commit, and (annotated) the tagger, date and message. */
  private async tagInfo(ref: Ref): Promise<GitTagInfo> {
    const name = ref.ref.slice('refs/tags/'.length);
    if (ref.object.type !== 'tag') return { name, annotated: false, commit: ref.object.sha };
    const object = await this.tagObject(ref.object.sha, name);
    return {
      name,
      annotated: true,
      commit: await this.commitOf(ref),
      date: object.tagger?.date,
      tagger: object.tagger?.name,
      message: object.message,
    };
  }

  /** Every GTO tag of the repository (or of one model), by model name. */
  private async gtoTags(name?: string): Promise<Map<string, GitTagInfo[]>> {
    const out = new Map<string, GitTagInfo[]>();
    // `tags/iris` also matches iris2's tags: each is parsed and kept under its own model.
    for (const ref of await this.matchingRefs(name ? `tags/${name}` : 'tags/')) {
      const parsed = parseGtoTag(ref.ref.slice('refs/tags/'.length));
      if (!parsed || (name && parsed.name !== name)) continue;
      const list = out.get(parsed.name) ?? [];
      list.push(await this.tagInfo(ref));
      out.set(parsed.name, list);
    }
    return out;
  }

  /** The model's releases (with their cards) and its tags read together by GTO's rules. */
  private async modelState(
    name: string,
    releases?: Release[],
    tags?: GitTagInfo[],
  ): Promise<{ state: GtoModelState; records: VersionRecord[] }> {
    const all = releases ?? (await this.releases());
    const own = tags ?? (await this.gtoTags(name)).get(name) ?? [];
    const commitOfTag = new Map(own.map((t) => [t.name, t.commit]));
    const records: VersionRecord[] = [];
    for (const release of all) {
      const parsed = parseVersionTag(release.tag_name);
      if (!parsed || parsed.name !== name || release.draft) continue;
      // A release someone published by hand on a GTO registration (no card.json) is GTO's version, not mlci's.
      const gtoRegistered = own.some((t) => t.name === release.tag_name && t.annotated);
      if (gtoRegistered && !release.assets.some((a) => a.name === 'card.json')) continue;
      records.push(await this.toRecord(release, parsed.version));
    }
    const known = records.map((r) => ({
      version: r.version,
      commit: commitOfTag.get(r.tag) ?? r.card.commit,
      runId: r.card.runId,
      cardSha256: r.cardSha256,
    }));
    const state = gtoModelState(name, own, known, parseAliasEvent);
    return { state, records };
  }

  async listModels(): Promise<string[]> {
    const releases = await this.releases();
    const tags = await this.gtoTags();
    const names = new Set<string>(tags.keys());
    for (const release of releases) {
      const parsed = parseVersionTag(release.tag_name);
      if (parsed && !release.draft) names.add(parsed.name);
    }
    const out: string[] = [];
    // As `gto show`: a deprecated model is left out; so is one whose every version was deregistered.
    for (const name of [...names].sort()) {
      const { state, records } = await this.modelState(name, releases, tags.get(name) ?? []);
      if (state.deprecated) continue;
      if (records.some((r) => state.versions.get(r.version)?.active !== false) || [...state.versions.values()].some((v) => v.active))
        out.push(name);
    }
    return out;
  }

  async takenVersions(name: string): Promise<string[]> {
    const taken = new Set<string>();
    // A draft is a failed attempt that publishRelease replaces: its number is still free.
    for (const release of await this.releases()) {
      const parsed = parseVersionTag(release.tag_name);
      if (parsed?.name === name && !release.draft) taken.add(parsed.version);
    }
    // Every version tag, GTO's deregistered ones (`NAME@vX.Y.Z!`) included: a number is never reused.
    for (const ref of await this.matchingRefs(`tags/${name}@v`)) {
      const parsed = parseGtoTag(ref.ref.slice('refs/tags/'.length));
      if (parsed?.name === name && parsed.version) taken.add(parsed.version);
    }
    return [...taken];
  }

  async listVersions(name: string): Promise<VersionRecord[]> {
    assertModelName(name);
    const { state, records } = await this.modelState(name);
    const out = records.filter((r) => state.versions.get(r.version)?.active !== false);
    for (const v of state.versions.values()) {
      if (!v.active || out.some((r) => r.version === v.version) || records.some((r) => r.version === v.version)) continue;
      out.push(gtoVersionRecord(name, v, `https://github.com/${this.owner}/${this.repo}/tree/${encodeURIComponent(v.tag)}`));
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
    let created: string | null = null;
    let commit = options.commit;
    if (existingTag) {
      if (!options.adoptTag) throw new VersionExistsError(tag, this.location);
      // A pushed tag is often annotated (`git tag -a`, GTO): compare the commit it names, not the tag object.
      const tagged = await this.commitOf(existingTag);
      if (tagged !== options.commit)
        throw inputError(`tag ${tag} points at ${tagged.slice(0, 12)}, not at the run's commit ${String(options.commit).slice(0, 12)}`, {
          hint: 'promote the run trained at the tagged commit',
        });
    } else {
      // GTO reads annotated tags only: the version tag is made here, in GTO's shape, and the release published on
      // it (GitHub ignores target_commitish for an existing tag). The ref create is atomic: 422 = taken.
      commit ??= await this.defaultHead();
      created = await this.createTag(tag, commit, registrationMessage(options.name, options.version), `publish ${tag}`);
    }
    let published: Release;
    try {
      published = await publishRelease({
        client: this.octokit as GitHubClient,
        ...this.r,
        tag,
        body: options.body,
        target: commit ?? undefined,
        assets: options.assets,
      });
    } catch (error) {
      if (created) await this.dropTag(tag, created);
      if (error instanceof ReleaseTagTakenError) throw new VersionExistsError(tag, this.location);
      const hint = publishHint(error instanceof MlciError ? error.cause : error, options.commit);
      const e = this.remote(`publish ${tag}`, error);
      throw new MlciError(e.kind, `${e.message}${created ? '; its tag was deleted' : ''}; no alias moved`, {
        hint: hint ?? e.hint,
        cause: error,
      });
    }
    return this.toRecord(published, parseVersionTag(tag)!.version);
  }

  /** The default branch's head: where a version of a run recorded outside git is tagged. */
  private async defaultHead(): Promise<string> {
    const repo = await this.call<{ default_branch: string }>(
      'read the repository',
      () => this.octokit.request('GET /repos/{owner}/{repo}', this.r) as Promise<{ data: { default_branch: string } }>,
    );
    const ref = await this.call<Ref>(
      `read branch ${repo.default_branch}`,
      () =>
        this.octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...this.r, ref: `heads/${repo.default_branch}` }) as Promise<{
          data: Ref;
        }>,
    );
    return ref.object.sha;
  }

  /**
   * Creates the annotated tag `tag` on `commit` (tag object, then the ref). The ref create is the atomic step:
   * 422 means another promotion took the name (VersionExistsError); a 5xx or a dropped connection is resolved by
   * reading the ref back. Returns the tag object's sha.
   */
  private async createTag(tag: string, commit: string, message: string, what: string): Promise<string> {
    let object: { sha: string };
    try {
      object = (
        await this.octokit.request('POST /repos/{owner}/{repo}/git/tags', { ...this.r, tag, message, object: commit, type: 'commit' })
      ).data as { sha: string };
    } catch (error) {
      const e = this.remote(what, error);
      throw new MlciError(e.kind, `${e.message}; nothing was published, no alias moved`, {
        hint:
          statusOf(error) === 422
            ? `GitHub does not know the commit the version is tagged at (${commit.slice(0, 12)}): push it, then promote again`
            : e.hint,
        cause: error,
      });
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await this.octokit.request('POST /repos/{owner}/{repo}/git/refs', { ...this.r, ref: `refs/tags/${tag}`, sha: object.sha });
        return object.sha;
      } catch (error) {
        const code = statusOf(error);
        if (code === 422) throw new VersionExistsError(tag, this.location);
        if (code !== undefined && code < 500) throw this.remote(what, error);
        const landed = await this.tagRef(tag).catch(() => undefined);
        if (landed?.object.sha === object.sha) return object.sha;
        if (landed) throw new VersionExistsError(tag, this.location);
        if (landed === undefined || attempt >= 1) throw this.remote(what, error);
      }
    }
  }

  /** Deletes the version tag this attempt created, if it is still ours (never another writer's, never a published one). */
  private async dropTag(tag: string, objectSha: string): Promise<void> {
    const ref = await this.tagRef(tag).catch(() => null);
    if (ref?.object.sha !== objectSha) return;
    if ((await this.releases().catch(() => [])).some((r) => r.tag_name === tag && !r.draft)) return;
    await this.octokit.request('DELETE /repos/{owner}/{repo}/git/refs/{ref}', { ...this.r, ref: `tags/${tag}` }).catch(() => undefined);
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
    const { state } = await this.modelState(assertModelName(name));
    return [...state.aliases.keys()].sort();
  }

  async aliasHistory(name: string, alias: string): Promise<AliasEvent[]> {
    assertAlias(alias);
    const { state } = await this.modelState(assertModelName(name));
    return state.aliases.get(alias) ?? [];
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
    // GTO's own first line (a rollback is, for GTO, an assignment of the earlier version), then mlci's record.
    const message = `${assignmentMessage(event.name, event.alias, event.version)}\n\n${JSON.stringify(event)}\n`;
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
