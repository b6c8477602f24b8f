/**
 * Issue #14 row 6: nothing lost when mlci dies. Everything a run logs is journaled as it arrives
 * (`packages/tracking/src/journal.ts`); the next mlci command that finds the run abandoned marks it KILLED and
 * rebuilds it from the journal (`packages/store/src/owner.ts: abandonedRecord`). The last case SIGKILLs a real
 * `mlci train` running an unchanged MLflow script and reads the run back through `mlci runs` / `mlci show`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalPath, LocalStore, OWNER_TAG, ownerTag, replayJournal, type RunRecord } from '@mlci/store';
import { RunCollector } from '../../packages/tracking/src/collector';
import { RunJournal } from '../../packages/tracking/src/journal';
import { groupAlive } from '../../packages/tracking/src/process-group';
import { mlciBin, runCli } from '../harness/cli';
import { freshProject } from './fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const turn = () => new Promise((r) => setImmediate(r));
async function waitFor(what: string, test: () => boolean | Promise<boolean>, ceilingMs = 240_000): Promise<number> {
  const start = Date.now();
  while (!(await test())) {
    if (Date.now() - start > ceilingMs) throw new Error(`${what}: not within ${ceilingMs} ms`);
    await sleep(50);
  }
  return Date.now() - start;
}
/** The pid of a process that has exited and been reaped. */
const deadPid = () => spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim();
const id = (c: string) => c.repeat(32);

function running(runId: string, tags: Record<string, string>): RunRecord {
  return {
    schema: 1,
    id: runId,
    name: 'r',
    experiment: 'Default',
    status: 'RUNNING',
    startTime: 1000,
    endTime: null,
    exitCode: null,
    command: ['python3', 'train.py'],
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

describe('the run journal', () => {
  it('is written on the event-loop turn after each item, before any close, and replays to what was logged', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mlci-journal-'));
    const path = journalPath(root, id('a'));
    const journal = RunJournal.open(path, id('a'));
    const c = new RunCollector();
    c.journalTo(journal);
    c.name = 'main-run';
    c.logParam('lr', '0.1');
    c.logMetric('loss', 1, 0, 10);
    c.logMetric('loss', 1, 0, 10); // the same value twice is one value, as in the collector
    c.logMetric('loss', NaN, 1, 11);
    c.logMetric('loss', -Infinity, 2, 12);
    c.logMetric('__proto__', 3, 0, 13);
    c.setTag('team', 'a "quoted" tag\nwith a newline');
    c.setTag('gone', 'x');
    c.deleteTag('gone');
    c.addArtifact({ path: 'model/model.pkl', sha256: 'f'.repeat(64), size: 12 });
    c.mergeParamsFile({ 'train.epochs': '3' });
    const child = journal.scope(() => new RunCollector()); // the endpoint's child runs are made in the scope
    child.name = 'fold-0';
    child.setTag('mlflow.parentRunId', id('a'));
    child.logMetric('acc', 0.5, 0, 14);
    expect(new RunCollector().tags).toEqual({}); // outside the scope: no journal
    await turn();
    await turn();
    // On disk now, the journal still open: this is what a SIGKILL at this point leaves.
    const replay = replayJournal(await readFile(path, 'utf8'));
    expect(replay.ignored).toBe(0);
    expect(replay.runId).toBe(id('a'));
    const [main, fold] = replay.runs;
    expect(main.name).toBe('main-run');
    expect({ ...main.params }).toEqual({ lr: '0.1', 'train.epochs': '3' });
    expect(main.metrics.loss.map((p) => p.value)).toEqual([1, NaN, -Infinity]);
    expect(main.metrics.loss.map((p) => [p.step, p.timestamp])).toEqual([
      [0, 10],
      [1, 11],
      [2, 12],
    ]);
    expect(Object.getOwnPropertyDescriptor(main.metrics, '__proto__')?.value).toEqual([{ step: 0, value: 3, timestamp: 13 }]);
    expect({ ...main.tags }).toEqual({ team: 'a "quoted" tag\nwith a newline' });
    expect([...main.artifacts.values()]).toEqual([{ path: 'model/model.pkl', sha256: 'f'.repeat(64), size: 12 }]);
    expect(fold.index).toBe(1);
    expect(fold.name).toBe('fold-0');
    expect(fold.startTime).toBeGreaterThan(0);
    expect({ ...fold.tags }).toEqual({ 'mlflow.parentRunId': id('a') });
    expect(fold.metrics.acc).toEqual([{ step: 0, value: 0.5, timestamp: 14 }]);
    await journal.close(false);
    expect(existsSync(path)).toBe(false); // a run that ended normally keeps no journal: the record has it all
  });

  it('ignores a line cut short at the end and lines that do not parse, and counts them', () => {
    const text =
      `{"mlci_journal":1,"run":"${id('b')}"}\n["m",0,"loss",0.5,0,1]\nnot json\n["m",0,"loss","bogus",1,2]\n["x",0]\n` +
      `["m",7,"loss",1,0,1]\n["m",0,"loss",0.25,1,2]\n["m",0,"loss",0.1,2`;
    const replay = replayJournal(text);
    expect(replay.runs[0].metrics.loss.map((p) => p.value)).toEqual([0.5, 0.25]);
    expect(replay.ignored).toBe(5); // not json, a bad value, an unknown kind, an unopened run, the cut-short line
    expect(replay.lastTime).toBe(2);
    expect(replayJournal('').runs[0].metrics).toEqual({});
  });

  it('a journal that cannot be written throws the system error (the caller then warns and runs without one)', () => {
    expect(() => RunJournal.open('/dev/full', id('c'))).toThrow(/ENOSPC/);
  });

  it('the local store reads an abandoned run as KILLED, rebuilt from its journal, and writes that down', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mlci-journal-store-'));
    const store = new LocalStore({ root });
    const runId = id('d');
    const q = new URLSearchParams(ownerTag());
    q.set('pid', deadPid());
    await store.putRun(running(runId, { keep: 'me', [OWNER_TAG]: q.toString() }));
    const path = journalPath(root, runId);
    const child = 'e'.repeat(32);
    await writeFile(
      path,
      [
        `{"mlci_journal":1,"run":"${runId}"}`,
        '["n",0,"named-by-script"]',
        '["i",0,"' + runId + '","exp-1"]',
        '["p",0,"lr","0.1"]',
        '["m",0,"loss",0.5,0,2000]',
        '["m",0,"loss","NaN",1,2001]',
        '["t",0,"phase","train"]',
        `["a",0,"ckpt/1.txt","${'a'.repeat(64)}",12]`,
        '["c",1,1500]',
        `["i",1,"${child}","exp-1"]`,
        '["n",1,"fold-0"]',
        `["t",1,"mlflow.parentRunId","${runId}"]`,
        '["m",1,"acc",0.9,0,1600]',
        '["s",1,"FINISHED",1700]',
        '["c",2,1800]',
        '["n",2,"fold-1"]',
        '["m",2,"acc",0.8,0,1900]',
        '',
      ].join('\n'),
    );
    await appendFile(path, '["m",0,"loss",0.1,2,20'); // the kill came mid-write
    const [record] = await store.listRuns();
    expect(record.status).toBe('KILLED');
    expect(record.name).toBe('named-by-script');
    expect(record.experiment).toBe('exp-1');
    expect(record.exitCode).toBeNull();
    expect(record.endTime).toBeGreaterThanOrEqual(2001);
    expect(record.params).toEqual({ lr: '0.1' });
    expect(record.metrics.loss.map((p) => p.value)).toEqual([0.5, NaN]);
    expect(record.artifacts).toEqual([{ path: 'ckpt/1.txt', sha256: 'a'.repeat(64), size: 12 }]);
    expect(record.tags.keep).toBe('me');
    expect(record.tags.phase).toBe('train');
    expect(record.tags[OWNER_TAG]).toBeUndefined();
    expect(record.tags['mlci.error']).toMatch(
      /^abandoned: mlci \(pid \d+ on .+\) is no longer running .*marked KILLED when found; rebuilt from its journal: 1 params, 4 metric points, 1 tags, 1 artifacts, 2 child runs; 1 journal lines could not be read/,
    );
    const [fold0, fold1] = record.children!;
    expect(fold0).toMatchObject({ id: child, name: 'fold-0', status: 'FINISHED', startTime: 1500, endTime: 1700, experiment: 'exp-1' });
    expect(fold0.metrics.acc[0].value).toBe(0.9);
    expect(fold1).toMatchObject({ name: 'fold-1', status: 'KILLED', endTime: record.endTime });
    expect(fold1.id).toMatch(/^[0-9a-f]{32}$/);
    // Written down once: run.json is KILLED and the journal is gone; a second read gives the same record.
    expect(JSON.parse(await readFile(join(root, 'runs', runId, 'run.json'), 'utf8')).status).toBe('KILLED');
    expect(existsSync(path)).toBe(false);
    expect(await store.getRun(runId)).toEqual(record);
  });

  it('a RUNNING run with no journal is KILLED too, saying nothing logged was kept', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mlci-journal-none-'));
    const store = new LocalStore({ root });
    const q = new URLSearchParams(ownerTag());
    q.set('pid', deadPid());
    await store.putRun(running(id('f'), { [OWNER_TAG]: q.toString() }));
    const record = await store.getRun(id('f'));
    expect(record.status).toBe('KILLED');
    expect(record.tags['mlci.error']).toMatch(/no journal was found, so nothing logged was kept/);
  });
});

const N = 300;
const SCRIPT = `
import os, sys, time, mlflow
n = int(sys.argv[1])
with mlflow.start_run(run_name="doomed") as run:
    mlflow.log_param("lr", "0.01")
    mlflow.set_tag("phase", "train")
    mlflow.log_text("checkpoint 1", "ckpt/1.txt")
    for i in range(n):
        mlflow.log_metric("loss", 1.0 / (i + 1), step=i)
    mlflow.log_metric("diverged", float("nan"))
    with mlflow.start_run(run_name="fold-0", nested=True) as done:
        mlflow.log_metric("acc", 0.9)
    with mlflow.start_run(run_name="fold-1", nested=True) as open_fold:
        mlflow.log_metric("acc", 0.8)
        with mlflow.start_run(run_name="inner", nested=True):
            mlflow.log_metric("depth", 2)
            with open("ids.txt", "w") as f:
                f.write(f"{os.getpid()} {run.info.run_id} {done.info.run_id} {open_fold.info.run_id}")
            time.sleep(600)
`;

describe('SIGKILL of mlci train with a real MLflow script', () => {
  it(`keeps the ${N} metric points logged, the params, tags, artifact and child runs; the run reads back KILLED; python is gone`, async () => {
    const dir = await freshProject({ 'train.py': SCRIPT }, false);
    const mlci = spawn(process.execPath, [mlciBin, 'train', '--system-metrics-interval', '0', '--', 'python3', 'train.py', String(N)], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    mlci.stderr.on('data', (d) => (stderr += d));
    const done = new Promise((r) => mlci.on('close', r));
    const ids = join(dir, 'ids.txt');
    await waitFor(
      `the script logged its ${N} points (stderr: ${stderr})`,
      async () => existsSync(ids) && (await readFile(ids, 'utf8')).includes(' '),
    );
    const [pid, runId, foldId, openFoldId] = (await readFile(ids, 'utf8')).trim().split(' ');
    // Child-run ends and ids are learnt every 200 ms: wait (on readiness) until fold-0's end and the inner
    // run's id are journaled.
    const journal = journalPath(join(dir, '.mlci'), runId);
    await waitFor('fold-0 ended and the inner run identified in the journal', async () => {
      const text = await readFile(journal, 'utf8').catch(() => '');
      return text.includes('["s",1,"FINISHED"') && text.includes('["i",3,');
    });
    expect(groupAlive(Number(pid))).toBe(true);
    process.kill(mlci.pid!, 'SIGKILL');
    await done;
    const goneMs = await waitFor(`python (pid ${pid}) ended after mlci was killed`, () => !groupAlive(Number(pid)));
    console.log(`SIGKILL of mlci -> python gone in ${goneMs} ms`);

    const runs = await runCli(['runs', '--json'], { cwd: dir });
    expect(runs.exitCode, runs.stderr).toBe(0);
    const [listed] = JSON.parse(runs.stdout);
    const show = await runCli(['show', runId.slice(0, 8), '--json'], { cwd: dir });
    expect(show.exitCode, show.stderr).toBe(0);
    const record = JSON.parse(show.stdout);
    for (const r of [listed, record]) {
      expect(r.id).toBe(runId);
      expect(r.status).toBe('KILLED');
      expect(r.name).toBe('doomed');
      // Every point the script's calls had returned for: written the turn after they arrived.
      expect(r.metrics.loss).toHaveLength(N);
      expect(r.metrics.loss.map((p: { step: number }) => p.step)).toEqual([...Array(N).keys()]);
      expect(r.metrics.diverged[0].value).toBe('NaN');
      expect(r.params).toEqual({ lr: '0.01' });
      expect(r.tags.phase).toBe('train');
      expect(r.tags['mlci.error']).toMatch(/^abandoned: .*marked KILLED when found; rebuilt from its journal/);
      expect(r.artifacts.map((a: { path: string }) => a.path)).toEqual(['ckpt/1.txt']);
      const [fold0, fold1, inner] = r.children;
      expect(fold0).toMatchObject({ id: foldId, name: 'fold-0', status: 'FINISHED' });
      expect(fold0.tags['mlflow.parentRunId']).toBe(runId);
      expect(fold1).toMatchObject({ id: openFoldId, name: 'fold-1', status: 'KILLED' });
      expect(fold1.metrics.acc[0].value).toBe(0.8);
      // The run inside the open fold keeps its link: the fold's id is the one the script saw.
      expect(inner).toMatchObject({ name: 'inner', status: 'KILLED' });
      expect(inner.tags['mlflow.parentRunId']).toBe(openFoldId);
    }
    const text = await runCli(['show', runId.slice(0, 8)], { cwd: dir });
    expect(text.stdout).toMatch(/status +KILLED/);
    const tree = await runCli(['runs'], { cwd: dir });
    expect(tree.stdout).toMatch(/└ .*inner/); // drawn under its parent in the tree
    expect(existsSync(journal)).toBe(false); // folded into run.json
    expect(JSON.parse(await readFile(join(dir, '.mlci', 'runs', runId, 'run.json'), 'utf8')).status).toBe('KILLED');
  }, 600_000);
});
