/** Issue #14 row 9: the project directory a command acts on is where `mlci run --config DIR/mlci.yml` records. */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findProjectDir } from '../../packages/tracking/src/lineage';
import { freshProject } from './fixtures';

describe('findProjectDir', () => {
  it('is the nearest directory with an mlci.yml up to the git root, else the git root', async () => {
    const root = realpathSync(await freshProject());
    await mkdir(join(root, 'examples', 'iris', 'src'), { recursive: true });
    await mkdir(join(root, 'other'));
    await writeFile(join(root, 'examples', 'iris', 'mlci.yml'), 'version: 1\n');
    expect(await findProjectDir(join(root, 'examples', 'iris'))).toBe(join(root, 'examples', 'iris'));
    expect(await findProjectDir(join(root, 'examples', 'iris', 'src'))).toBe(join(root, 'examples', 'iris'));
    expect(await findProjectDir(join(root, 'examples'))).toBe(root);
    expect(await findProjectDir(join(root, 'other'))).toBe(root);
    expect(await findProjectDir(root)).toBe(root);
  });

  it('never climbs above the git root for an mlci.yml, and is the directory itself outside git', async () => {
    const outer = realpathSync(await mkdtemp(join(tmpdir(), 'mlci-outer-')));
    await writeFile(join(outer, 'mlci.yml'), 'version: 1\n');
    const inner = join(outer, 'repo');
    await mkdir(join(inner, 'sub'), { recursive: true });
    execFileSync('git', ['init', '-q'], { cwd: inner });
    expect(await findProjectDir(join(inner, 'sub'))).toBe(inner);
    const plain = join(outer, 'plain');
    await mkdir(plain);
    // Outside git only the directory itself counts: a stray mlci.yml above it is not taken.
    expect(await findProjectDir(plain)).toBe(plain);
  });
});
