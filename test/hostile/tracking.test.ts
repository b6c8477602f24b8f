/**
 * Hostile inputs to `mlci train` (issue #12 rows 5, 6, 7 and the smaller tracking rows): bad params and metrics
 * files, signals to mlci, mlci killed outright, a full disk, malformed metric values, a background process
 * holding the command's stdout. Each case runs the real bin and judges exit code, message, hint, the run
 * record left behind and the time taken.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mlciBin } from '../harness/cli';
import { freshProject } from '../tracking/fixtures';
import { groupAlive } from '../../packages/tracking/src/process-group';
import { expectCleanRefusal, expectNoCrash, expectNoRunningRun, filesUnder, runMlci, storedRuns } from './harness';

const FAST = ['--system-metrics-interval', '0'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, test: () => boolean | Promise<boolean>, ceilingMs: number): Promise<number> {
  const start = Date.now();
  while (!(await test())) {
    if (Date.now() - start > ceilingMs) throw new Error(`${what}: not within ${ceilingMs} ms`);
    await sleep(50);
  }
  return Date.now() - start;
}

/** `mlci ARGS` in its own group, handed back so a case can signal mlci itself. */
function startMlci(args: string[], cwd: string) {
  const child = spawn(process.execPath, [mlciBin, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (exitCode, signal) => resolve({ exitCode, signal })),
  );
  return { child, done, stdout: () => stdout, stderr: () => stderr };
}

const cleanup: string[] = [];
afterAll(async () => {
  for (const dir of cleanup) await rm(dir, { recursive: true, force: true }).catch(() => {});
});
async function project(files: Record<string, string> = {}): Promise<string> {
  const dir = await freshProject(files, false);
  cleanup.push(dir);
  return dir;
}

describe('hostile inputs to mlci train', () => {
  it('a params.yaml that does not parse is refused before the command runs', async () => {
    const dir = await project({ 'params.yaml': 'train:\n  lr: [0.1,\n  epochs: 3\n' });
    const run = await runMlci(['train', ...FAST, '--', 'touch', 'ran'], { cwd: dir });
    expectCleanRefusal(run, { exit: 2, names: ['params.yaml', /not valid YAML/] });
    expect(existsSync(join(dir, 'ran')), 'the command must not have run').toBe(false);
    expect(await storedRuns(dir)).toEqual([]);
    expect(await filesUnder(dir)).toEqual(['params.yaml']);
  });

  it('a missing --params-file is refused before the command runs', async () => {
    const dir = await project();
    const run = await runMlci(['train', ...FAST, '--params-file', 'conf/params.yaml', '--', 'touch', 'ran'], { cwd: dir });
    expectCleanRefusal(run, { exit: 2, names: ['conf/params.yaml', 'not found'] });
    expect(existsSync(join(dir, 'ran'))).toBe(false);
    expect(await storedRuns(dir)).toEqual([]);
  });

  it('a malformed metrics.json written by the command records the run FAILED with the reason, keeping what was captured', async () => {
    const dir = await project();
    const script =
      'echo \'{"key": "loss", "value": 0.5, "step": 1}\' >> "$MLCI_METRICS_FILE"; printf \'{"accuracy": 0.9, "f1": \' > metrics.json';
    const run = await runMlci(['train', '--json', ...FAST, '--', 'sh', '-c', script], { cwd: dir });
    expectCleanRefusal(run, { exit: 2, names: ['metrics.json', /recorded as FAILED/] });
    const record = JSON.parse(run.stdout); // --json still prints the recorded run
    expect(record.status).toBe('FAILED');
    expect(record.exitCode).toBe(0);
    expect(record.tags['mlci.error']).toMatch(/metrics\.json.*not valid YAML/);
    expect(record.metrics.loss.map((p: any) => p.value)).toEqual([0.5]);
    const [stored] = await storedRuns(dir);
    expect(stored.status).toBe('FAILED');
    await expectNoRunningRun(dir);
  });

  it('SIGINT to mlci reaches the whole process group: bash -c "python3 slow.py 60; …" ends at once, KILLED, exit 130', async () => {
    const dir = await project({ 'slow.py': 'import sys, time\nprint("ready", file=sys.stderr, flush=True)\ntime.sleep(60)\n' });
    const mlci = startMlci(['train', ...FAST, '--', 'bash', '-c', 'python3 slow.py 60; echo after-python'], dir);
    await waitFor('the script started', () => mlci.stderr().includes('ready'), 60_000);
    const sent = Date.now();
    process.kill(mlci.child.pid!, 'SIGINT'); // to mlci alone, as `kill -INT` or a CI runner does
    const result = await Promise.race([mlci.done, sleep(30_000).then(() => null)]);
    if (!result) process.kill(-mlci.child.pid!, 'SIGKILL');
    const tookMs = Date.now() - sent;
    expect(result, `no exit 30 s after SIGINT\n${mlci.stderr()}`).not.toBeNull();
    expect(result!.exitCode, mlci.stderr()).toBe(130);
    expect(tookMs).toBeLessThan(20_000); // the script would sleep 60 s if the signal reached only bash
    expect(mlci.stderr()).not.toMatch(/^after-python$/m); // bash itself was interrupted too
    expectNoCrash({ exitCode: result!.exitCode, stdout: mlci.stdout(), stderr: mlci.stderr(), timedOut: false });
    const [run] = await storedRuns(dir);
    expect(run.status).toBe('KILLED');
    expect(run.record.tags['mlci.signal']).toBe('SIGINT');
    console.log(`SIGINT to mlci -> exit 130 in ${tookMs} ms`);
  });

  it('SIGKILL of mlci ends the training process group, and a later mlci runs marks the run abandoned (KILLED)', async () => {
    const dir = await project();
    const mlci = startMlci(['train', ...FAST, '--', 'bash', '-c', 'echo $$ > leader.pid; sleep 300; echo after'], dir);
    const pidFile = join(dir, 'leader.pid');
    await waitFor('the command started', async () => existsSync(pidFile) && (await readFile(pidFile, 'utf8')).trim().length > 0, 60_000);
    const pgid = Number((await readFile(pidFile, 'utf8')).trim());
    expect(groupAlive(pgid)).toBe(true);
    process.kill(mlci.child.pid!, 'SIGKILL');
    await mlci.done;
    const goneMs = await waitFor(`training group ${pgid} ended after mlci was killed`, () => !groupAlive(pgid), 15_000);
    console.log(`SIGKILL of mlci -> training group gone in ${goneMs} ms`);
    const runs = await runMlci(['runs', '--json'], { cwd: dir });
    expectNoCrash(runs);
    expect(runs.exitCode, runs.stderr).toBe(0);
    const [record] = JSON.parse(runs.stdout);
    expect(record.status).toBe('KILLED');
    expect(record.tags['mlci.error']).toMatch(/abandoned: mlci \(pid \d+ on .+\) is no longer running/);
    expect(record.tags['mlci.owner']).toBeUndefined();
    await expectNoRunningRun(dir); // the abandoned mark was written, not only shown
  });

  it('malformed metric values are named on stderr (file and key) and counted in the run', async () => {
    const dir = await project();
    const metrics = '{"accuracy": 0.9, "note": "good", "loss": null, "curve": [1, 2], "auc": NaN, "val": {"f1": 0.8, "extra": {}}}';
    const run = await runMlci(['train', '--json', ...FAST, '--', 'sh', '-c', `printf '%s' '${metrics}' > metrics.json`], { cwd: dir });
    expectNoCrash(run);
    expect(run.exitCode, run.stderr).toBe(0);
    const record = JSON.parse(run.stdout);
    expect(Object.keys(record.metrics).sort()).toEqual(['accuracy', 'val.f1']);
    for (const key of ['note', 'loss', 'curve', 'auc', 'val.extra'])
      expect(run.stderr).toMatch(new RegExp(`metrics\\.json: metric "${key.replace('.', '\\.')}" is .*not recorded`));
    expect(record.tags['mlci.metrics.skipped']).toBe('5');
  });

  it('an MLflow-logged NaN or infinity is kept as MLflow keeps it, written as "NaN"/"Infinity" in run.json', async () => {
    const client = [
      'import json, os, urllib.request',
      'u = os.environ["MLFLOW_TRACKING_URI"]',
      'def post(path, body):',
      '    req = urllib.request.Request(f"{u}/api/2.0/mlflow/{path}", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})',
      '    return json.load(urllib.request.urlopen(req))',
      'run = post("runs/create", {"experiment_id": "0"})["run"]["info"]["run_id"]',
      'post("runs/log-metric", {"run_id": run, "key": "loss", "value": "NaN", "timestamp": 1, "step": 0})',
      'post("runs/log-metric", {"run_id": run, "key": "loss", "value": 0.5, "timestamp": 2, "step": 1})',
      'post("runs/log-metric", {"run_id": run, "key": "loss", "value": "-Infinity", "timestamp": 3, "step": 2})',
      'post("runs/update", {"run_id": run, "status": "FINISHED"})',
    ].join('\n');
    const dir = await project({ 'nan.py': client + '\n' });
    const run = await runMlci(['train', '--json', ...FAST, '--', 'python3', 'nan.py'], { cwd: dir });
    expectNoCrash(run);
    expect(run.exitCode, run.stderr).toBe(0);
    const record = JSON.parse(run.stdout);
    expect(record.metrics.loss.map((p: any) => p.value)).toEqual(['NaN', 0.5, '-Infinity']);
    expect(record.tags['mlci.metrics.skipped']).toBeUndefined();
    expect(run.stderr).not.toMatch(/not recorded/);
    const stored = JSON.parse(await readFile(join(dir, '.mlci', 'runs', record.id, 'run.json'), 'utf8'));
    expect(stored.metrics.loss.map((p: any) => p.value)).toEqual(['NaN', 0.5, '-Infinity']);
    // A gate on it fails and says why, instead of passing on a missing value.
    const gate = await runMlci(['gate', record.id, '--assert', 'first(loss) < 1'], { cwd: dir });
    expectNoCrash(gate);
    expect(gate.exitCode).toBe(1);
    expect(gate.stdout + gate.stderr).toMatch(/NaN/);
    await expectNoRunningRun(dir);
  });

  it('a background process holding stdout does not keep train --json waiting; it ends with the run', async () => {
    const dir = await project();
    const started = Date.now();
    const run = await runMlci(['train', '--json', ...FAST, '--', 'bash', '-c', 'sleep 100 & echo $! > bg.pid; echo trained'], {
      cwd: dir,
      ceilingMs: 60_000,
    });
    const tookMs = Date.now() - started;
    expectNoCrash(run);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).status).toBe('FINISHED');
    expect(run.stderr).toContain('trained');
    const bg = Number((await readFile(join(dir, 'bg.pid'), 'utf8')).trim());
    await waitFor(
      'the background sleep ended',
      () => {
        try {
          return readFileSync(`/proc/${bg}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
        } catch {
          return true;
        }
      },
      10_000,
    );
    console.log(`train --json with a background process holding stdout: ${tookMs} ms`);
    await expectNoRunningRun(dir);
  });
});

// A full disk needs a small file system: a tmpfs mounted over the project's .mlci (root only).
const canMount = (() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = join(tmpdir(), `mlci-mount-probe-${process.pid}`);
  try {
    execFileSync('mkdir', ['-p', probe]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    execFileSync('rmdir', [probe]);
  }
})();

describe.skipIf(!canMount)('a full disk under mlci train (tmpfs; skipped unless root can mount)', () => {
  it('no space left while storing an artifact: exit 2 naming the path, the run recorded FAILED', async () => {
    const dir = await project();
    const store = join(dir, '.mlci');
    await mkdir(store);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', store]);
    try {
      const outside = await mkdtemp(join(tmpdir(), 'mlci-big-'));
      cleanup.push(outside);
      const big = join(outside, 'model.bin');
      await writeFile(big, Buffer.alloc(2 * 1024 * 1024, 7)); // eight times the room left
      const run = await runMlci(['train', ...FAST, '--artifact', big, '--', 'true'], { cwd: dir });
      expectCleanRefusal(run, { exit: 2, names: [store, 'no space left on device', 'model.bin'] });
      const [stored] = await storedRuns(dir);
      expect(stored.status).toBe('FAILED');
      expect(stored.record.tags['mlci.error']).toMatch(/storing artifact .*model\.bin: no space left on device/);
      expect((await filesUnder(join(store, 'blobs'))).filter((f) => f.endsWith('.tmp'))).toEqual([]); // no half-written blob left
      await expectNoRunningRun(dir);
    } finally {
      execFileSync('umount', ['-l', store]);
    }
  });

  it('a disk so full that the end of the run cannot be written: exit 2 saying so; once there is room, the run reads back KILLED', async () => {
    const dir = await project();
    const store = join(dir, '.mlci');
    await mkdir(store);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', store]);
    try {
      // The command fills the file system the store is on, as a checkpoint writer can.
      const run = await runMlci(['train', ...FAST, '--', 'sh', '-c', 'head -c 1048576 /dev/zero > .mlci/fill; exit 0'], { cwd: dir });
      expectCleanRefusal(run, {
        exit: 2,
        names: [store, 'no space left on device', /left RUNNING; a later mlci command on this machine marks it abandoned/],
      });
      await rm(join(store, 'fill'));
      const runs = await runMlci(['runs', '--json'], { cwd: dir });
      expect(runs.exitCode, runs.stderr).toBe(0);
      const [record] = JSON.parse(runs.stdout);
      // mlci never wrote its end: read back as abandoned, KILLED, with what its journal kept.
      expect(record.status).toBe('KILLED');
      expect(record.tags['mlci.error']).toMatch(/^abandoned: /);
      await expectNoRunningRun(dir);
    } finally {
      execFileSync('umount', ['-l', store]);
    }
  });
});
