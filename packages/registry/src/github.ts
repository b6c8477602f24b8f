import type { Octokit } from '@octokit/rest';
import { MlciError, inputError, sha256Hex } from '@mlci/core';
import { createGitHubClient, type GitHubClientOptions } from '@mlci/core/github';
import { AliasConflictError, VersionExistsError } from './errors';
import { parseAliasEvent } from './history';
import { aliasTag, assertAlias, assertModelName, compareVersions, parseAliasTag, parseVersionTag, versionTag } from './names';
import type { AliasEvent, ModelCard, PendingAsset, PublishOptions, RegistryBackend, VersionRecord } from './types';

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

interface Release {
  id: number;
  tag_name: string;
  draft: boolean;
  html_url: string;
  upload_url: string;
  assets: Array<{ id: number; name: string; size: number; state?: string; digest?: string | null }>;
}

interface Ref {
  ref: string;
  object: { sha: string; type: string };
}

const status = (error: unknown) => (error as { status?: number })?.status;

/** One entry of a 422's `errors` (GitHub's "Validation Failed" body). */
interface ValidationError {
  resource?: string;
  field?: string;
  code?: string;
  message?: string;
}

/** The `errors` array of a GitHub 422 answer (octokit keeps the body on `response.data`); [] when absent. */
function validationErrors(error: unknown): ValidationError[] {
  const data = (error as { response?: { data?: unknown } })?.response?.data as { errors?: unknown } | undefined;
  if (!data || typeof data !== 'object' || !Array.isArray(data.errors)) return [];
  return data.errors.map((e) => (e && typeof e === 'object' ? (e as ValidationError) : { message: String(e) }));
}

/** GitHub's way of saying a release with this tag exists: `{resource: 'Release', code: 'already_exists', field: 'tag_name'}`. */
const isTagTaken = (e: ValidationError) => e.code === 'already_exists' && e.field === 'tag_name';

/** GitHub's message and each of its errors, e.g. `Validation Failed: Release.target_commitish invalid`. */
function describe422(error: unknown, problems: ValidationError[]): string {
  const data = (error as { response?: { data?: { message?: unknown } } })?.response?.data;
  const message = typeof data?.message === 'string' && data.message ? data.message : 'Unprocessable Entity';
  const parts = problems.map((e) =>
    [e.resource && e.field ? `${e.resource}.${e.field}` : e.resource ?? e.field, e.code, e.message].filter((x) => typeof x === 'string' && x).join(' '),
  );
  return parts.filter(Boolean).length ? `${message}: ${parts.filter(Boolean).join('; ')}` : message;
}

function publishHint(problems: ValidationError[], commit: string | null | undefined): string {
  if (problems.some((e) => e.field === 'target_commitish')) {
    return `GitHub does not know the commit the release is tagged at${commit ? ` (${String(commit).slice(0, 12)})` : ''}: push it, then publish the draft or delete it and promote again`;
  }
  return 'fix what GitHub names, then publish the draft on GitHub, or delete it and promote again';
}

/**
 * The registry on a GitHub repository:
 * - a version is a release tagged `name@vX.Y.Z` (GTO) whose assets are the model files, card.json, card.md and
 *   SHA256SUMS. It is created as a draft, every asset is uploaded and the uploaded list verified (names, sizes,
 *   digests), and only then published: a reader never sees a half-uploaded version, which also fits
 *   repositories with immutable releases (assets cannot be added after publishing);
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
    this.octokit = options.octokit ?? (createGitHubClient({ userAgent: 'mlci-registry', ...options.client, token: options.token, baseUrl: options.baseUrl }));
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

  private remote(what: string, error: unknown): MlciError {
    if (error instanceof MlciError) return error;
    const code = status(error);
    const message = (error as Error)?.message ?? String(error);
    const hint =
      code === 401 ? 'the token is missing or invalid; set GITHUB_TOKEN'
      : code === 403 || code === 404 ? `the token needs \`contents: write\` on ${this.location} to promote (\`contents: read\` to read)`
      : 'GitHub refused or failed; rerun, or check https://www.githubstatus.com';
    return new MlciError('remote', `GitHub ${what} failed${code ? ` (HTTP ${code})` : ''}: ${message}`, { hint, cause: error });
  }

  private releases(): Promise<Release[]> {
    return this.call('list releases', async () => ({ data: (await this.octokit.paginate('GET /repos/{owner}/{repo}/releases', { ...this.r, per_page: 100 })) as unknown as Release[] }));
  }

  private matchingRefs(prefix: string): Promise<Ref[]> {
    return this.call(`list refs ${prefix}`, async () => ({
      data: (await this.octokit.paginate('GET /repos/{owner}/{repo}/git/matching-refs/{ref}', { ...this.r, ref: prefix, per_page: 100 })) as unknown as Ref[],
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
      object = (await this.call<{ object: { sha: string; type: string } }>(`read tag ${ref.ref}`, () => this.octokit.request('GET /repos/{owner}/{repo}/git/tags/{tag_sha}', { ...this.r, tag_sha: sha }) as Promise<{ data: { object: { sha: string; type: string } } }>)).object;
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
    for (const release of await this.releases()) {
      const parsed = parseVersionTag(release.tag_name);
      if (parsed?.name === name) taken.add(parsed.version);
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
      if (!asset) throw inputError(`release ${release.tag_name} has no card.json asset`, { hint: 'it was not registered by mlci, or its assets were edited; register the model again' });
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
    return { name, version, tag: release.tag_name, card: cached.card, cardSha256: cached.cardSha256, assets: release.assets.map((a) => ({ name: a.name, size: a.size })), url: release.html_url };
  }

  private async download(assetId: number, what: string): Promise<Uint8Array> {
    const data = await this.call(`download ${what}`, () =>
      this.octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', { ...this.r, asset_id: assetId, headers: { accept: 'application/octet-stream' } }),
    );
    return data instanceof ArrayBuffer ? new Uint8Array(data) : typeof data === 'string' ? Buffer.from(data) : new Uint8Array(data as unknown as ArrayBuffer);
  }

  async publishVersion(options: PublishOptions): Promise<VersionRecord> {
    const tag = versionTag(options.name, options.version);
    const clash = (await this.releases()).find((r) => r.tag_name === tag && (!options.adoptTag || !r.draft));
    const existingTag = await this.tagRef(tag);
    if (clash) throw new VersionExistsError(tag, this.location);
    if (existingTag) {
      if (!options.adoptTag) throw new VersionExistsError(tag, this.location);
      // A pushed tag is often annotated (`git tag -a`, GTO): compare the commit it names, not the tag object.
      const tagged = await this.commitOf(existingTag);
      if (tagged !== options.commit) throw inputError(`tag ${tag} points at ${tagged.slice(0, 12)}, not at the run's commit ${String(options.commit).slice(0, 12)}`, { hint: 'promote the run trained at the tagged commit' });
    }
    const draft = await this.call<Release>(`create draft release ${tag}`, () =>
      this.octokit.request('POST /repos/{owner}/{repo}/releases', {
        ...this.r,
        tag_name: tag,
        name: tag,
        body: options.body.slice(0, 120_000),
        draft: true,
        ...(options.commit ? { target_commitish: options.commit } : {}),
      }) as Promise<{ data: Release }>,
    );
    const kept = `the release stays a draft (id ${draft.id}) and no alias moved; delete the draft and promote again`;
    try {
      for (const asset of options.assets) {
        const bytes = await asset.read();
        await this.call(`upload ${asset.name} to ${tag}`, () =>
          this.octokit.request({ method: 'POST', url: draft.upload_url, name: asset.name, data: Buffer.from(bytes), headers: { 'content-type': 'application/octet-stream', 'content-length': bytes.length } } as never),
        );
      }
      await this.verifyUploaded(draft.id, tag, options.assets);
    } catch (error) {
      const e = error instanceof MlciError ? error : this.remote(`upload to ${tag}`, error);
      throw new MlciError(e.kind, `${e.message}; ${kept}`, { hint: e.hint, cause: error });
    }
    let published: Release;
    try {
      published = (await this.octokit.request('PATCH /repos/{owner}/{repo}/releases/{release_id}', { ...this.r, release_id: draft.id, draft: false })).data as unknown as Release;
    } catch (error) {
      if (status(error) !== 422) throw this.remote(`publish ${tag}`, error);
      const problems = validationErrors(error);
      if (!problems.some(isTagTaken)) {
        // Any other refusal (an unknown target commit, a repository rule, a bad field) is reported as GitHub
        // words it, and the draft is kept: it holds the verified assets, and nothing says it is useless.
        throw new MlciError('remote', `GitHub refused to publish ${tag} (HTTP 422): ${describe422(error, problems)}; ${kept}`, {
          hint: publishHint(problems, options.commit),
          cause: error,
        });
      }
      // GitHub says the tag is taken. Read our draft back before touching it: a publish that GitHub applied
      // while its answer was lost makes the tag ours, and that release must never be deleted.
      const mine = await this.octokit
        .request('GET /repos/{owner}/{repo}/releases/{release_id}', { ...this.r, release_id: draft.id })
        .then((r) => r.data as unknown as Release, () => undefined);
      if (mine && !mine.draft && mine.tag_name === tag) return this.toRecord(mine, parseVersionTag(tag)!.version);
      // Someone published this tag first: our draft must never be published under another meaning, and it is
      // known to be ours (we just created it) and useless (its tag is taken), so it goes.
      if (mine?.draft) await this.octokit.request('DELETE /repos/{owner}/{repo}/releases/{release_id}', { ...this.r, release_id: draft.id }).catch(() => undefined);
      throw new VersionExistsError(tag, this.location);
    }
    return this.toRecord(published, parseVersionTag(tag)!.version);
  }

  /** Every pending asset is on the draft with its size (and digest where GitHub reports one), nothing else. */
  private async verifyUploaded(releaseId: number, tag: string, assets: PendingAsset[]): Promise<void> {
    const release = await this.call<Release>(`read back ${tag}`, () => this.octokit.request('GET /repos/{owner}/{repo}/releases/{release_id}', { ...this.r, release_id: releaseId }) as Promise<{ data: Release }>);
    const byName = new Map(release.assets.map((a) => [a.name, a]));
    const problems: string[] = [];
    for (const want of assets) {
      const got = byName.get(want.name);
      if (!got) problems.push(`${want.name} is missing`);
      else if (got.size !== want.size) problems.push(`${want.name} has ${got.size} bytes, expected ${want.size}`);
      else if (got.state && got.state !== 'uploaded') problems.push(`${want.name} is ${got.state}`);
      else if (got.digest && got.digest !== `sha256:${want.sha256}`) problems.push(`${want.name} has digest ${got.digest}, expected sha256:${want.sha256}`);
    }
    const extra = release.assets.filter((a) => !assets.some((w) => w.name === a.name)).map((a) => a.name);
    if (extra.length) problems.push(`unexpected assets: ${extra.join(', ')}`);
    if (problems.length) throw new MlciError('remote', `the uploaded assets of ${tag} do not match: ${problems.join('; ')}`, { hint: 'an upload was cut short or altered' });
  }

  async readAsset(name: string, version: string, asset: string): Promise<Uint8Array> {
    const tag = versionTag(name, version);
    const release = await this.call<Release>(`read release ${tag}`, () => this.octokit.request('GET /repos/{owner}/{repo}/releases/tags/{tag}', { ...this.r, tag }) as Promise<{ data: Release }>);
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
      if (ref.object.type !== 'tag') throw inputError(`${tag} is a lightweight tag, so it carries no assignment record`, { hint: 'alias tags are written by mlci as annotated tags; delete this one or re-run the promotion' });
      const object = await this.call<{ message: string }>(`read tag ${tag}`, () => this.octokit.request('GET /repos/{owner}/{repo}/git/tags/{tag_sha}', { ...this.r, tag_sha: ref.object.sha }) as Promise<{ data: { message: string } }>);
      const json = object.message.slice(object.message.indexOf('{'));
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch {
        throw inputError(`${tag}'s message holds no assignment record`, { file: tag });
      }
      const event = parseAliasEvent(value, tag);
      if (event.seq !== parsed.seq || event.name !== name || event.alias !== alias) throw inputError(`${tag}'s record names ${event.name}#${event.alias}#${event.seq}`, { hint: 'the tag was copied or edited by hand' });
      events.push(event);
    }
    return events.sort((a, b) => a.seq - b.seq);
  }

  async appendAliasEvent(event: AliasEvent): Promise<void> {
    const tag = aliasTag(event.name, event.alias, event.seq);
    const versionRef = await this.tagRef(versionTag(event.name, event.version));
    if (!versionRef) throw inputError(`${versionTag(event.name, event.version)} has no git tag, so it is not a published version`, { hint: 'an alias only ever points to a published release' });
    // Alias tags point at the commit the version was built from, whether its tag is lightweight or annotated.
    const commit = await this.commitOf(versionRef);
    const message = `${event.action === 'rollback' ? 'Rolling back' : 'Assigning'} ${event.alias} to ${event.name} v${event.version} (mlci)\n\n${JSON.stringify(event)}\n`;
    const object = await this.call<{ sha: string }>(`create tag object ${tag}`, () =>
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
        const code = status(error);
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
