/**
 * One version, read from package.json: `mlci --version` (the bundle, where esbuild inlined it), the report
 * comment's footer and the model card (from sources) all say what the root package.json says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MLCI_VERSION } from '@mlci/core';
import { buildCard, renderCardMarkdown } from '@mlci/registry';
import { renderReport } from '@mlci/report';
import { runCli } from '../harness/cli';
import { repoRoot } from '../harness/runner';
import { freshProject, recordRun } from '../registry/fixtures';

const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version as string;

describe('the version comes from package.json', () => {
  it('is a release version, and the one core exports', () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(MLCI_VERSION).toBe(version);
  });

  it('mlci --version prints it (from the bundle) and exits 0', async () => {
    const run = await runCli(['--version']);
    expect(run).toMatchObject({ exitCode: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('the report comment footer names it', () => {
    const { body } = renderReport([], {});
    expect(body).toContain(`<sub>mlci ${version} report:`);
  });

  it('the model card records it (card.json) and says it (card.md)', async () => {
    const { store } = await freshProject();
    const run = await recordRun(store, { content: 'a', accuracy: 0.9 });
    const card = buildCard({ name: 'iris', version: '1.0.0', run, files: [], gates: [], promotedBy: 'octocat' });
    expect(card.mlciVersion).toBe(version);
    expect(renderCardMarkdown(card)).toContain(`Registered by mlci ${version} from run`);
  });
});
