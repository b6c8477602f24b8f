import { escapeMarkdown as coreEscapeMarkdown, MLCI_VERSION } from '@mlci/core';
import type { RunRecord } from '@mlci/store';
import { lastValues } from '@mlci/store';
import type { GateResult, ModelCard, ModelFile } from './types';
import { versionTag } from './names';

export interface CardInput {
  name: string;
  version: string;
  run: RunRecord;
  files: ModelFile[];
  gates: GateResult[];
  promotedBy: string;
  /** Defaults to now. */
  promotedAt?: Date;
}

/** card.json for a version of `run`'s model. */
export function buildCard(input: CardInput): ModelCard {
  const { run } = input;
  const metrics = Object.fromEntries(Object.entries(lastValues(run)).filter(([k]) => !k.startsWith('system/')));
  const env = run.lineage.environment;
  return {
    schema: 1,
    name: input.name,
    version: input.version,
    tag: versionTag(input.name, input.version),
    runId: run.id,
    runName: run.name,
    experiment: run.experiment,
    commit: run.lineage.git.commit,
    branch: run.lineage.git.branch,
    metrics,
    params: { ...run.params },
    datasets: run.lineage.datasets.map((d) => ({ path: d.path, sha256: d.sha256, dvcMd5: d.dvcMd5, size: d.size })),
    environment: { node: env.node, python: env.python, platform: env.platform, lockFiles: env.lockFiles },
    promotedBy: input.promotedBy,
    promotedAt: (input.promotedAt ?? new Date()).toISOString(),
    gates: input.gates,
    files: input.files,
    mlciVersion: MLCI_VERSION,
  };
}

/** Text from a run (metric names, params, paths) made inert for Markdown and HTML: core's one escaper. */
export const escapeMarkdown = (text: string): string => coreEscapeMarkdown(text);

const cell = (value: unknown) => escapeMarkdown(String(value));

/** card.md: the same facts as card.json, for people (rendered as the release notes too). */
export function renderCardMarkdown(card: ModelCard): string {
  const lines = [
    `# ${cell(card.name)} v${cell(card.version)}`,
    '',
    `Registered by mlci${card.mlciVersion ? ` ${cell(card.mlciVersion)}` : ''} from run \`${card.runId}\` (${cell(card.runName)}, experiment ${cell(card.experiment)})` +
      (card.commit ? ` at commit ${card.commit.slice(0, 40).replace(/[^0-9a-f]/g, '')}` : '') +
      `, promoted by ${cell(card.promotedBy)} on ${cell(card.promotedAt)}.`,
    '',
    '## Metrics',
    '',
  ];
  const metrics = Object.entries(card.metrics);
  if (metrics.length) {
    lines.push('| metric | value |', '| --- | --- |', ...metrics.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`));
  } else lines.push('No metrics were logged.');
  lines.push('', '## Parameters', '');
  const params = Object.entries(card.params);
  if (params.length) lines.push('| param | value |', '| --- | --- |', ...params.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`));
  else lines.push('No parameters were logged.');
  lines.push('', '## Data', '');
  if (card.datasets.length) {
    lines.push('| dataset | sha256 | dvc md5 | bytes |', '| --- | --- | --- | --- |');
    for (const d of card.datasets) lines.push(`| ${cell(d.path)} | ${cell(d.sha256)} | ${cell(d.dvcMd5 ?? '')} | ${d.size} |`);
  } else lines.push('The run recorded no input datasets.');
  lines.push('', '## Gates', '');
  if (card.gates.length) lines.push(...card.gates.map((g) => `- ${cell(g.name)}: **${cell(g.outcome)}** (${cell(g.source)})`));
  else lines.push('No gates were required.');
  lines.push(
    '',
    '## Environment',
    '',
    `node ${cell(card.environment.node)}, python ${cell(card.environment.python ?? 'none')}, ${cell(card.environment.platform)}`,
  );
  lines.push('', '## Files', '', '| path | sha256 | bytes |', '| --- | --- | --- |');
  for (const f of card.files) lines.push(`| ${cell(f.path)} | ${f.sha256} | ${f.size} |`);
  return lines.join('\n') + '\n';
}

/** SHA256SUMS in `sha256sum` format (two spaces), sorted by path: `sha256sum -c SHA256SUMS` checks a download. */
export function renderSha256Sums(entries: Array<{ path: string; sha256: string }>): string {
  return [...entries]
    .sort((a, b) => (a.path < b.path ? -1 : 1))
    .map((e) => `${e.sha256}  ${e.path}\n`)
    .join('');
}

export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (m) sums.set(m[2], m[1]);
  }
  return sums;
}

const RESERVED = ['card.json', 'card.md', 'SHA256SUMS'];

/** Flat asset name for a file path (release assets cannot hold `/`); unique within `taken`. */
export function assetNameFor(path: string, taken: Set<string>): string {
  let name = path.replace(/[^A-Za-z0-9._-]/g, '.').replace(/^\.+/, '');
  const base = name || 'file';
  for (let i = 1; taken.has(name) || !name || RESERVED.includes(name); i++) name = `${base}.${i}`;
  taken.add(name);
  return name;
}
