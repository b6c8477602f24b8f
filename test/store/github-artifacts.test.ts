import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalStore } from '@mlci/store';
import { fetchRun } from '@mlci/store/github';
import type { Emulator } from '../github-emulator/index';
import { useEmulator } from './emulator-setup';
import { runAction } from '../harness/runner';
import { runCli } from '../harness/cli';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const emulatorOf = useEmulator();
let emulator: Emulator;
beforeAll(() => {
  emulator = emulatorOf();
});

describe('runs as workflow artifacts', () => {
  it('train-and-log uploads the run with its files, and another job restores it verified', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlci-ws-'));
    // A training command in plain Node: metrics through MLCI_METRICS_FILE, a model file as an artifact.
    writeFileSync(
      join(workspace, 'train.mjs'),
      `import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
for (let step = 0; step < 3; step++) appendFileSync(process.env.MLCI_METRICS_FILE, JSON.stringify({ key: 'loss', value: 1 / (step + 1), step }) + '\\n');
mkdirSync('model', { recursive: true });
writeFileSync('model/weights.bin', 'w'.repeat(1000));
`,
    );
    const env = emulator.jobEnv();
    const run = await runAction('train-and-log', {
      workspace,
      env,
      inputs: { command: `["${process.execPath}", "train.mjs"]`, artifacts: 'model', 'system-metrics-interval': '0' },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const runId = run.outputs['run-id'];
    expect(run.outputs.artifact).toBe(`mlci-run-${runId}`);
    expect(emulator.conformance).toEqual([]);

    const elsewhere = new LocalStore({ root: mkdtempSync(join(tmpdir(), 'mlci-store-')) });
    const record = await fetchRun(elsewhere, {
      token: 'ghs_test_write',
      owner: 'octo-org',
      repo: 'octo-repo',
      workflowRunId: Number(env.GITHUB_RUN_ID),
    });
    expect(record.id).toBe(runId);
    expect(record.metrics.loss.map((p) => p.value)).toEqual([1, 0.5, 1 / 3]);
    const weights = record.artifacts.find((a) => a.path.endsWith('weights.bin'))!;
    expect(Buffer.from(await elsewhere.getBlob(weights.sha256)).toString()).toBe('w'.repeat(1000));
    expect((await elsewhere.getRun(runId)).status).toBe('FINISHED');
  });

  it('stores a snapshotted dataset once per repository: the second run uploads nothing', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlci-ws-'));
    writeFileSync(join(workspace, 'data.csv'), 'x,y\n1,2\n3,4\n');
    writeFileSync(join(workspace, 'train.mjs'), `console.log('trained')\n`);
    const inputs = { command: `["${process.execPath}", "train.mjs"]`, data: 'data.csv', snapshot: 'true', 'system-metrics-interval': '0' };
    const first = await runAction('train-and-log', { workspace, env: emulator.jobEnv(), inputs });
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(first.outputs['datasets-uploaded']).toBe('1');
    const second = await runAction('train-and-log', { workspace, env: emulator.jobEnv(), inputs });
    expect(second.outputs['datasets-uploaded']).toBe('0');
    const names = emulator.state.artifacts.map((a) => a.name).filter((n) => n.startsWith('mlci-data-'));
    expect(names).toHaveLength(1);
    expect(emulator.conformance).toEqual([]);

    // Elsewhere (a laptop, another job): the exact bytes come back by hash from the artifact, verified.
    const sha = createHash('sha256').update('x,y\n1,2\n3,4\n').digest('hex');
    const elsewhere = mkdtempSync(join(tmpdir(), 'mlci-elsewhere-'));
    const env = { GITHUB_API_URL: emulator.url, GITHUB_REPOSITORY: 'octo-org/octo-repo', GITHUB_TOKEN: 'ghs_test_read' };
    const without = await runCli(['data', 'get', sha, '--to', 'restored'], { cwd: elsewhere, env });
    expect(without.exitCode).toBe(2);
    const got = await runCli(['data', 'get', sha, '--to', 'restored', '--github', '--json'], { cwd: elsewhere, env });
    expect(got.exitCode, got.stderr).toBe(0);
    expect(readFileSync(join(elsewhere, 'restored', sha), 'utf8')).toBe('x,y\n1,2\n3,4\n');
    expect(emulator.conformance).toEqual([]);
  });
});
