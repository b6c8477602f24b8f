/**
 * A run record that names `model/../../<anywhere>` (issue #12): `mlci serve RUN` and `mlci models promote`
 * refuse it with exit 2, naming the path, and write nothing outside their directories.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectStore } from '@mlci/store';
import { runCli } from '../harness/cli';

describe('run records with unsafe artifact paths', () => {
  it('are refused by serve and promote, and nothing lands outside', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlci-unsafe-run-'));
    const store = projectStore(dir);
    const blob = await store.putBlob({ bytes: 'flavors: {}\n' });
    const id = 'c'.repeat(32);
    await store.putRun({
      schema: 1,
      id,
      name: 'tampered',
      experiment: 'Default',
      status: 'FINISHED',
      startTime: 1,
      endTime: 2,
      exitCode: 0,
      command: ['true'],
      params: {},
      metrics: {},
      tags: {},
      artifacts: [{ path: 'model/MLmodel', sha256: blob.sha256, size: blob.size }],
      lineage: {
        git: { commit: null, branch: null, dirty: false },
        datasets: [],
        environment: { node: 'v20', python: null, platform: 'linux-x64', lockFiles: [], pipFreeze: null },
      },
    } as never);
    const file = join(dir, '.mlci/runs', id, 'run.json');
    const target = join(tmpdir(), `RUN_PWNED_${process.pid}.txt`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('model/MLmodel', `model/../../../../../../../..${target}`));
    for (const args of [
      ['serve', id, '--port', '0'],
      ['models', 'promote', 'm', '--run', id, '--backend', 'local'],
    ]) {
      const run = await runCli(args, { cwd: dir });
      expect(run.exitCode, run.stderr).toBe(2);
      expect(run.stderr).toContain('unsafe artifact path');
      expect(run.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    }
    expect(existsSync(target)).toBe(false);
  });
});
