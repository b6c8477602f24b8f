/**
 * `mlci init` names the model after the directory; a directory name the registry would refuse (`my.project`)
 * becomes a valid model name, so the `mlci run` right after it registers the model.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { modelNameFor } from '../../packages/pipeline/src/init';
import { assertModelName } from '@mlci/registry';
import { jsonOf, runCli } from '../harness/cli';
import { repoRoot } from '../harness/runner';

describe('mlci init model name', () => {
  it('derives a name the registry accepts from any directory name', () => {
    const cases: Array<[string, string]> = [
      ['/x/my.project', 'my-project'],
      ['/x/My Project (v2)', 'my-project-v2'],
      ['/x/iris-classifier', 'iris-classifier'],
      ['/x/.hidden.repo.', 'hidden-repo'],
      ['/x/__init__', 'init'],
      ['/x/…', 'model'],
      [`/x/${'a.'.repeat(80)}`, `${'a-'.repeat(50)}`.slice(0, 99)],
    ];
    for (const [dir, name] of cases) {
      expect(modelNameFor(dir), dir).toBe(name);
      expect(() => assertModelName(modelNameFor(dir))).not.toThrow();
    }
  });

  it('in a directory named my.project, mlci init then mlci run register the model', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mlci-init-name-')), 'my.project');
    mkdirSync(dir);
    cpSync(join(repoRoot, 'examples/iris/data'), join(dir, 'data'), { recursive: true });
    cpSync(join(repoRoot, 'examples/iris/train.py'), join(dir, 'train.py'));
    cpSync(join(repoRoot, 'examples/iris/params.yaml'), join(dir, 'params.yaml'));
    const init = await runCli(['init', '--json'], { cwd: dir });
    expect(init.exitCode, init.stderr).toBe(0);
    const config = parse(readFileSync(join(dir, 'mlci.yml'), 'utf8'));
    expect(config.project).toBe('my.project');
    expect(config.model.name).toBe('my-project');

    const run = await runCli(['run', '--json'], { cwd: dir });
    expect(run.stderr).not.toMatch(/not a valid model name/);
    expect(run.exitCode, run.stderr).toBe(0);
    const stages = jsonOf(run).stages;
    expect(stages.map((s: { stage: string; outcome: string }) => [s.stage, s.outcome])).toContainEqual(['promote', 'pass']);
    expect(stages.find((s: { stage: string }) => s.stage === 'promote').result).toMatchObject({ name: 'my-project', alias: 'champion' });
    const shown = await runCli(['models', 'show', 'my-project@champion', '--json'], { cwd: dir });
    expect(shown.exitCode, shown.stderr).toBe(0);
  }, 120_000);
});
