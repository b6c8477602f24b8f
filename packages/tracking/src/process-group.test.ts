import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupAlive, spawnGroup } from './process-group';

const posix = process.platform !== 'win32';
const wait = async (test: () => boolean, ms: number) => {
  for (const start = Date.now(); !test();) {
    if (Date.now() - start > ms) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
};

describe.skipIf(!posix)('spawnGroup', () => {
  it('signals the whole group: a grandchild the command started gets the signal too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlci-pg-'));
    const group = spawnGroup(['sh', '-c', `sleep 30 & echo $! > ${dir}/bg; wait`], { cwd: dir, env: process.env, stdout: 'inherit' });
    expect(await wait(() => groupAlive(group.child.pid!), 2000)).toBe(true);
    for (let i = 0; i < 100 && !(await readFile(join(dir, 'bg'), 'utf8').catch(() => '')); i++) await new Promise((r) => setTimeout(r, 20));
    group.signal('SIGTERM');
    const outcome = await group.exited;
    expect(outcome.signal).toBe('SIGTERM');
    await group.end(1000);
    expect(await wait(() => !groupAlive(group.child.pid!), 3000)).toBe(true);
  });

  it('resolves when the main process exits although a background process holds its stdout, and end() stops that process', async () => {
    const group = spawnGroup(['sh', '-c', 'sleep 30 & echo started'], { cwd: tmpdir(), env: process.env, stdout: 'pipe' });
    let out = '';
    group.child.stdout!.on('data', (d) => (out += d));
    const start = Date.now();
    const outcome = await group.exited;
    expect(outcome.code).toBe(0);
    expect(groupAlive(group.child.pid!)).toBe(true); // the sleep
    await group.end(2000);
    expect(Date.now() - start).toBeLessThan(5000);
    expect(out).toContain('started');
    expect(groupAlive(group.child.pid!)).toBe(false);
  });

  it('reports a program that cannot start as a spawn error, not a hang', async () => {
    const group = spawnGroup(['no-such-program-mlci-pg'], { cwd: tmpdir(), env: process.env, stdout: 'inherit' });
    const outcome = await group.exited;
    expect(outcome.spawnError?.message).toMatch(/ENOENT/);
    await group.end();
  });
});
