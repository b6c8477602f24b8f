import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './harness/runner';
import { runCli } from './harness/cli';

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

describe('dist/ bundles', () => {
  it('are what the build script makes from the current sources (rebuild with `npm run build`)', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'mlci-dist-'));
    execFileSync(process.execPath, [join(repoRoot, 'scripts/build.mjs'), '--out', fresh], { cwd: repoRoot });
    const committed = join(repoRoot, 'dist');
    const names = (dir: string) =>
      listFiles(dir)
        .map((f) => relative(dir, f))
        .sort();
    expect(names(committed)).toEqual(names(fresh));
    for (const name of names(fresh)) {
      const same = readFileSync(join(fresh, name)).equals(readFileSync(join(committed, name)));
      expect(same, `dist/${name} is stale: run \`npm run build\` and commit dist/`).toBe(true);
    }
  });

  it('every action.yml runs on node24 and points at a bundle that exists', () => {
    const actions = readdirSync(join(repoRoot, 'actions')).filter((n) => {
      try {
        return statSync(join(repoRoot, 'actions', n, 'action.yml')).isFile();
      } catch {
        return false;
      }
    });
    for (const name of [...actions.map((n) => `actions/${n}/action.yml`), 'action.yml']) {
      const text = readFileSync(join(repoRoot, name), 'utf8');
      expect(text, name).toMatch(/using:\s*['"]?node24/);
      const main = /main:\s*['"]?([^'"\n]+)/.exec(text)?.[1];
      expect(main, `${name} has runs.main`).toBeTruthy();
      const target = join(repoRoot, name, '..', main!.trim());
      expect(statSync(target).isFile(), `${name} main ${main} exists`).toBe(true);
    }
  });
});

describe('the mlci command', () => {
  it('prints help with exit 0 and rejects an unknown command with exit 2', async () => {
    const help = await runCli(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('usage: mlci <command>');
    const unknown = await runCli(['no-such-command']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('unknown command "no-such-command"');
    expect(unknown.stdout).toBe('');
  });
});
