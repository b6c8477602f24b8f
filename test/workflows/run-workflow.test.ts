/**
 * A small fixture workflow run end to end by nektos/act against the emulator: a local node action with
 * inputs and outputs, a job summary, an artifact through @actions/artifact, a PR comment through the API.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../github-emulator/index';
import { findAct, runWorkflow } from './run-workflow';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const act = findAct();
let gh: Emulator;

beforeAll(async () => {
  gh = await startEmulator();
});
afterAll(() => gh.stop());

describe.skipIf(!act)('workflow runs with act', () => {
  it('runs the fixture: outputs, summary, artifact and PR comment land in the emulator', async () => {
    const run = await runWorkflow({
      projectDir: join(here, 'fixtures/pr-comment'),
      workflow: '.github/workflows/ci.yml',
      emulator: gh,
      env: { MLCI_ROOT: root },
    });
    expect(run.exitCode, run.output).toBe(0);
    expect(run.summary).toContain('### greeting hello emulator');
    expect(gh.state.comments.map((c) => [c.issueNumber, c.body])).toEqual([[1, 'hello emulator from fixture']]);
    expect(gh.state.artifacts.filter((a) => a.runId === run.runId && a.finalized).map((a) => a.name)).toEqual(['fixture-metrics']);
    expect(gh.conformance).toEqual([]);
  }, 120_000);

  it('fails the job when the token is read-only, and says why', async () => {
    const run = await runWorkflow({
      projectDir: join(here, 'fixtures/pr-comment'),
      workflow: '.github/workflows/ci.yml',
      emulator: gh,
      token: 'ghs_test_read',
      env: { MLCI_ROOT: root },
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain('comment: 403');
  }, 120_000);
});
