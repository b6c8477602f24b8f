import { createHash } from 'node:crypto';
import { inputError, type Logger, silentLogger, statusOf } from '@mlci/core';
import { DatasetNotStoredError } from './github-errors';
import type { RunRecord } from './run-record';
import type { Store } from './store';

/**
 * Datasets as release assets: the copy that outlives artifact retention. GitHub releases can be immutable once
 * published (no asset added or removed afterwards), so each dataset gets its own release, tagged
 * `mlci-data-<first 12 hex of its SHA-256>`, with one asset named by the full hash, published by
 * @mlci/core/github's publishRelease (draft, upload, verify, publish; a failed attempt leaves no draft). A published release for the hash means the dataset is stored: nothing is uploaded.
 */
export const datasetReleaseTag = (sha256: string) => `mlci-data-${sha256.slice(0, 12)}`;

export interface DatasetReleaseOptions {
  /** Token with `contents: write` (publish) or `contents: read` (fetch). */
  token: string;
  owner: string;
  repo: string;
  /** REST API root. @default $GITHUB_API_URL, else https://api.github.com */
  baseUrl?: string;
  /** Space writes as GitHub asks of integrations; tests against the emulator pass false. @default the client's default */
  paceWrites?: boolean;
  logger?: Logger;
}

interface Asset {
  id: number;
  name: string;
  size: number;
  digest?: string | null;
  state?: string;
}
interface Release {
  id: number;
  tag_name: string;
  draft: boolean;
  upload_url: string;
  assets: Asset[];
}

async function client(options: DatasetReleaseOptions) {
  const { createGitHubClient } = await import('@mlci/core/github');
  return createGitHubClient({
    token: options.token,
    baseUrl: options.baseUrl ?? process.env.GITHUB_API_URL,
    logger: options.logger,
    paceWrites: options.paceWrites,
  });
}

type Client = Awaited<ReturnType<typeof client>>;

/** The published release for a dataset hash, or null when there is none. */
async function releaseFor(github: Client, options: DatasetReleaseOptions, sha256: string): Promise<Release | null> {
  try {
    const { data } = await github.request('GET /repos/{owner}/{repo}/releases/tags/{tag}', {
      owner: options.owner,
      repo: options.repo,
      tag: datasetReleaseTag(sha256),
    });
    return data as unknown as Release;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/** The asset holding the dataset; a release of that tag without it is not ours (or a 12-hex prefix clash). */
function assetIn(release: Release, sha256: string): Asset {
  const asset = release.assets.find((a) => a.name === sha256);
  if (!asset)
    throw inputError(`release ${release.tag_name} has no asset ${sha256}`, {
      hint: 'the tag is used by something other than this dataset; delete that release or rename its tag',
    });
  return asset;
}

const releaseBody = (sha256: string, size: number) =>
  `Dataset stored by mlci, by content hash, so it outlives workflow artifact retention.\n\n` +
  `- asset \`${sha256}\`: ${size} bytes, SHA-256 \`${sha256}\`\n\n` +
  `Restore it verified with \`mlci data get ${sha256} --to DIR --github\`. Do not edit this release.`;

/**
 * Stores each snapshotted dataset of `record` as a release asset, once per repository: a dataset whose
 * release exists is skipped. Side effects: per new dataset one release (never marked latest), published by
 * publishRelease. Returns the hashes uploaded and those already stored.
 */
export async function publishDatasetsToRelease(
  record: RunRecord,
  store: Store,
  options: DatasetReleaseOptions,
): Promise<{ uploaded: string[]; existing: string[] }> {
  const github = await client(options);
  const { publishRelease, ReleaseTagTakenError } = await import('@mlci/core/github');
  const logger = options.logger ?? silentLogger;
  const uploaded: string[] = [];
  const existing: string[] = [];
  // A release asset holds one file read whole: folders stay artifacts (`snapshot: true`), said so in the log.
  for (const d of record.lineage.datasets.filter((d) => d.snapshot && d.kind === 'directory'))
    logger.warn(`dataset folder ${d.path}/ is kept as the mlci-data-${d.sha256} artifact only: release assets hold single files`);
  for (const sha256 of new Set(record.lineage.datasets.filter((d) => d.snapshot && d.kind !== 'directory').map((d) => d.sha256))) {
    const found = await releaseFor(github, options, sha256);
    if (found) {
      assetIn(found, sha256);
      existing.push(sha256);
      continue;
    }
    const bytes = await store.getBlob(sha256);
    const tag = datasetReleaseTag(sha256);
    try {
      await publishRelease({
        client: github,
        owner: options.owner,
        repo: options.repo,
        tag,
        body: releaseBody(sha256, bytes.length),
        makeLatest: 'false',
        assets: [{ name: sha256, size: bytes.length, sha256, read: async () => bytes }],
        logger,
      });
    } catch (error) {
      // Another job stored the same dataset first: it is stored.
      if (error instanceof ReleaseTagTakenError && (await releaseFor(github, options, sha256))) {
        existing.push(sha256);
        continue;
      }
      throw error;
    }
    logger.info(`stored dataset ${sha256} as release ${tag}`);
    uploaded.push(sha256);
  }
  return { uploaded, existing };
}

/**
 * Brings a dataset stored by publishDatasetsToRelease into `store`, verified: bytes that do not hash to
 * `sha256` are refused and nothing is stored. Throws an input error when no release holds the hash.
 */
export async function fetchDatasetFromRelease(
  store: Store,
  options: DatasetReleaseOptions & { sha256: string },
): Promise<{ sha256: string; size: number }> {
  const github = await client(options);
  const release = await releaseFor(github, options, options.sha256);
  if (!release)
    throw new DatasetNotStoredError(
      `no release ${datasetReleaseTag(options.sha256)} in ${options.owner}/${options.repo}`,
      'record the data with `snapshot: release` to keep it beyond artifact retention',
    );
  const asset = assetIn(release, options.sha256);
  const { data } = await github.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
    owner: options.owner,
    repo: options.repo,
    asset_id: asset.id,
    headers: { accept: 'application/octet-stream' },
  });
  const bytes =
    data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : typeof data === 'string'
        ? Buffer.from(data)
        : new Uint8Array(data as unknown as ArrayBuffer);
  const got = createHash('sha256').update(bytes).digest('hex');
  if (got !== options.sha256)
    throw inputError(`release asset ${release.tag_name}/${options.sha256} holds bytes that hash to ${got}`, {
      hint: 'the asset was modified after upload; do not trust it',
    });
  const stored = await store.putBlob({ bytes });
  return { sha256: stored.sha256, size: stored.size };
}
