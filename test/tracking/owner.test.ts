/** The owner of a RUNNING run: a run whose mlci died on this machine is read back KILLED ("abandoned"), no other. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStore, OWNER_TAG, ownerGone, ownerTag, type RunRecord } from '@mlci/store';

const linux = process.platform === 'linux';
/** The pid of a process that has exited and been reaped. */
const deadPid = () => spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim();
const withPid = (tag: string, pid: string, extra: Record<string, string> = {}) => {
  const q = new URLSearchParams(tag);
  q.set('pid', pid);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q.toString();
};

function running(id: string, tags: Record<string, string>): RunRecord {
  return {
    schema: 1,
    id,
    name: 'r',
    experiment: 'Default',
    status: 'RUNNING',
    startTime: 1,
    endTime: null,
    exitCode: null,
    command: ['x'],
    params: {},
    metrics: {},
    tags,
    artifacts: [],
    lineage: {
      git: { commit: null, branch: null, dirty: false },
      datasets: [],
      environment: { node: 'v', python: null, platform: 'p', lockFiles: [], pipFreeze: null },
    },
  };
}

describe('ownerGone', () => {
  it('is null for this very process, another host, another pid namespace and unreadable tags', () => {
    const mine = ownerTag();
    expect(ownerGone(mine)).toBeNull();
    expect(ownerGone(withPid(mine, deadPid(), { host: `not-${hostname()}` }))).toBeNull();
    expect(ownerGone(withPid(mine, deadPid(), { pidns: 'pid:[1]' }))).toBeNull();
    for (const bad of [undefined, '', 'garbage', 'host=x', `host=${hostname()}&pid=-3`, `host=${hostname()}&pid=abc`])
      expect(ownerGone(bad)).toBeNull();
  });

  it('names a dead owner, a rebooted machine and a reused pid', () => {
    const mine = ownerTag();
    const dead = deadPid();
    expect(ownerGone(withPid(mine, dead))).toBe(`mlci (pid ${dead} on ${hostname()}) is no longer running`);
    if (!linux) return;
    expect(ownerGone(withPid(mine, String(process.pid), { boot: 'another-boot' }))).toMatch(/did not survive a reboot/);
    // A live process (this one) whose start time differs from the tag's: the pid was reused.
    expect(ownerGone(withPid(mine, String(process.ppid), { start: '1' }))).toMatch(/its pid is now another process/);
    const parentStart = readFileSync(`/proc/${process.ppid}/stat`, 'utf8').split(') ')[1].split(' ')[19];
    expect(ownerGone(withPid(mine, String(process.ppid), { start: parentStart }))).toBeNull();
  });
});

describe('LocalStore reads an abandoned run as KILLED', () => {
  it('marks and rewrites a RUNNING run whose owner is gone; leaves a live owner and an ownerless record alone', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mlci-owner-'));
    const store = new LocalStore({ root });
    const abandoned = 'a'.repeat(32);
    const live = 'b'.repeat(32);
    const ownerless = 'c'.repeat(32);
    await store.putRun(running(abandoned, { keep: 'me', [OWNER_TAG]: withPid(ownerTag(), deadPid()) }));
    await store.putRun(running(live, { [OWNER_TAG]: ownerTag() }));
    await store.putRun(running(ownerless, {}));
    const byId = Object.fromEntries((await store.listRuns()).map((r) => [r.id, r]));
    expect(byId[abandoned].status).toBe('KILLED');
    expect(byId[abandoned].endTime).toBeGreaterThan(1);
    expect(byId[abandoned].tags).toEqual({
      keep: 'me',
      'mlci.error': expect.stringMatching(/^abandoned: mlci \(pid \d+ on .+\) is no longer running/),
    });
    expect(JSON.parse(await readFile(join(root, 'runs', abandoned, 'run.json'), 'utf8')).status).toBe('KILLED');
    expect(byId[live].status).toBe('RUNNING');
    expect(byId[ownerless].status).toBe('RUNNING');
    // The live owner can still end its run.
    await store.putRun({ ...byId[live], status: 'FINISHED', endTime: 2, exitCode: 0 });
    expect((await store.getRun(live)).status).toBe('FINISHED');
  });
});
