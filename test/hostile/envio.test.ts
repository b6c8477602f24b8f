/**
 * Hostile environments (issue #12, row 7 and the smaller rows on echoed text, downloads and slow clients):
 * a port in use, a directory or a file where the other was expected, a path under a file, a place this user
 * cannot write, an "MLflow server" that answers a login page, escape sequences and bidi overrides in run
 * names, a download onto a user's own file, and a client that sends half a header. Each is a clean refusal
 * (exit 2 or 3, the path or endpoint named, a hint, no stack trace) or, for the text rows, clean output.
 */
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlciBin } from '../harness/cli';
import { expectCleanRefusal, expectNoCrash, expectNoRunningRun, filesUnder, runMlci, storedRuns } from './harness';

// What a terminal or a bidi renderer would act on: ESC, C1 controls, BEL, CR, and the bidi overrides/isolates/marks.
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const HOSTILE_NAME = 'evil\u001b]0;pwned\u0007\u001b[31mred\u001b]8;;https://x.example\u001b\\link\u202Etxt.exe';

let project: string;
let runId: string;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'mlci-hostile-envio-'));
  execFileSync('git', ['init', '-q'], { cwd: project });
  writeFileSync(join(project, 'train.csv'), 'x,y\n1,2\n');
  const script = "require('fs').writeFileSync('metrics.json', JSON.stringify({ accuracy: 0.9, ['loss\\u202e\\u001b[2J']: 0.1 }))";
  const trained = await runMlci(
    [
      'train',
      '--system-metrics-interval',
      '0',
      '--snapshot',
      '--data',
      'train.csv',
      '--name',
      HOSTILE_NAME,
      '--',
      process.execPath,
      '-e',
      script,
    ],
    { cwd: project },
  );
  expect(trained.exitCode, trained.stderr).toBe(0);
  const runs = await storedRuns(project);
  expect(runs).toHaveLength(1);
  runId = runs[0].id;
});

describe('hostile environment: errors name the path or endpoint, with a hint (exit 2 or 3)', () => {
  it('serve on a port in use fails at once (before a 25 s model load) naming host:port', async () => {
    const model = join(project, 'slow-model');
    mkdirSync(model, { recursive: true });
    // Loading this model takes 25 s: the refusal must come before it is even started.
    writeFileSync(join(model, 'predict.py'), 'import time\ntime.sleep(25)\n\ndef predict(records):\n    return [0 for _ in records]\n');
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => taken.once('listening', r));
    const port = (taken.address() as AddressInfo).port;
    try {
      const started = Date.now();
      const run = await runMlci(['serve', model, '--port', String(port)], { cwd: project, ceilingMs: 30_000 });
      const ms = Date.now() - started;
      expectCleanRefusal(run, { exit: 2, names: [`127.0.0.1:${port}`, /already in use/, /--port 0/] });
      expect(ms, 'refused only after loading the model').toBeLessThan(10_000);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it('data get --to an existing file refuses, naming it, and leaves it as it was', async () => {
    const file = join(project, 'not-a-dir.txt');
    writeFileSync(file, 'keep me\n');
    const before = await filesUnder(project);
    const run = await runMlci(['data', 'get', `${runId.slice(0, 8)}:train.csv`, '--to', file], { cwd: project });
    expectCleanRefusal(run, { exit: 2, names: [file, /not a directory/] });
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
    expect(await filesUnder(project)).toEqual(before);
  });

  it('data get onto a same-named file with other content refuses instead of overwriting it', async () => {
    const to = join(project, 'restored');
    mkdirSync(to, { recursive: true });
    writeFileSync(join(to, 'train.csv'), 'my own edits\n');
    const run = await runMlci(['data', 'get', `${runId.slice(0, 8)}:train.csv`, '--to', to], { cwd: project });
    expectCleanRefusal(run, { exit: 2, names: [join(to, 'train.csv'), /not overwritten/] });
    expect(readFileSync(join(to, 'train.csv'), 'utf8')).toBe('my own edits\n');
    expect(
      (await filesUnder(to)).filter((f) => f !== 'train.csv'),
      'a temp file was left',
    ).toEqual([]);
    // the very same bytes already there are fine
    const fresh = join(project, 'restored-fresh');
    for (let i = 0; i < 2; i++)
      expect((await runMlci(['data', 'get', `${runId.slice(0, 8)}:train.csv`, '--to', fresh], { cwd: project })).exitCode).toBe(0);
    expect(readFileSync(join(fresh, 'train.csv'), 'utf8')).toBe('x,y\n1,2\n');
  });

  it('compare --markdown DIR refuses before comparing, naming the directory, and writes nothing into it', async () => {
    const dir = join(project, 'reports');
    mkdirSync(dir, { recursive: true });
    const run = await runMlci(['compare', runId, '--markdown', dir], { cwd: project });
    expectCleanRefusal(run, { exit: 2, names: [dir, /is a directory/] });
    expect(await filesUnder(dir)).toEqual([]);
  });

  it('compare --markdown under a file (a path part that is not a directory) names the path', async () => {
    const file = join(project, 'plain.txt');
    writeFileSync(file, 'x');
    const run = await runMlci(['compare', runId, '--markdown', join(file, 'sub', 'report.md')], { cwd: project });
    expectCleanRefusal(run, { exit: 2, names: [file, /is a file, not a directory/] });
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('compare --markdown where this user may not write says permission denied', async () => {
    // root ignores file modes: a sysfs directory refuses new files even to root.
    let target: string;
    if (process.getuid?.() === 0) {
      if (!existsSync('/sys/kernel')) return;
      target = '/sys/kernel/mlci-hostile-report.md';
    } else {
      const locked = join(project, 'locked');
      mkdirSync(locked, { recursive: true });
      chmodSync(locked, 0o500);
      target = join(locked, 'report.md');
    }
    const run = await runMlci(['compare', runId, '--markdown', target], { cwd: project });
    expectCleanRefusal(run, { exit: 2, names: [target, /permission denied/] });
    expect(existsSync(target)).toBe(false);
  });

  it('export to an "MLflow server" answering an HTML login page (200 text/html) is exit 3 naming endpoint and content type', async () => {
    let requests = 0;
    const proxy: Server = createServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Sign in</title><form>login</form>');
    }).listen(0, '127.0.0.1');
    await new Promise((r) => proxy.once('listening', r));
    const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const before = await storedRuns(project);
      const run = await runMlci(['export', runId, '--to', base], { cwd: project, ceilingMs: 60_000 });
      expectCleanRefusal(run, { exit: 3, names: [`${base}/api/2.0/mlflow/`, 'text/html', /not MLflow's JSON/] });
      expect(requests, 'nothing after the probe was sent').toBe(1);
      expect((await storedRuns(project)).map((r) => r.status)).toEqual(before.map((r) => r.status));
      await expectNoRunningRun(project);
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });
});

describe('hostile text: escape sequences and bidi overrides in run names are never echoed raw', () => {
  it('mlci runs, mlci show, mlci compare (terminal and Markdown) print no ESC, C1 control or bidi character', async () => {
    const runs = await runMlci(['runs'], { cwd: project });
    const show = await runMlci(['show', runId], { cwd: project });
    const markdown = join(project, 'comment.md');
    const compare = await runMlci(['compare', runId, '--markdown', markdown], { cwd: project });
    const missing = await runMlci(['show', 'no-such-run'], { cwd: project }); // the hint lists recent run names
    for (const [name, r] of [
      ['runs', runs],
      ['show', show],
      ['compare', compare],
    ] as const) {
      expectNoCrash(r);
      expect(r.exitCode, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stdout, name).not.toMatch(ACTIVE);
      expect(r.stderr, name).not.toMatch(ACTIVE);
    }
    expect(runs.stdout).toContain('evil');
    expect(show.stdout).toContain('txt.exe');
    expectCleanRefusal(missing, { exit: 2, names: ['no-such-run', 'evil'] });
    expect(missing.stderr).not.toMatch(ACTIVE);
    const md = readFileSync(markdown, 'utf8');
    expect(md).toContain('accuracy');
    expect(md).not.toMatch(ACTIVE);
    // --json keeps the record exact: JSON escapes the controls, the name round-trips
    const json = await runMlci(['show', runId, '--json'], { cwd: project });
    expect(JSON.parse(json.stdout).name).toBe(HOSTILE_NAME);
  });
});

describe('hostile client: a slow client cannot hold a serve socket', () => {
  let serve: ReturnType<typeof spawn> | null = null;
  afterAll(() => {
    if (serve?.pid) {
      try {
        process.kill(-serve.pid, 'SIGKILL');
      } catch {}
    }
  });

  it('half a request header is cut at --headers-timeout (2 s), far below the 36-40 s it held before', async () => {
    const model = join(project, 'quick-model');
    mkdirSync(model, { recursive: true });
    writeFileSync(join(model, 'predict.py'), 'def predict(records):\n    return [1 for _ in records]\n');
    serve = spawn(process.execPath, [mlciBin, 'serve', model, '--port', '0', '--json', '--headers-timeout', '2000'], {
      cwd: project,
      env: { ...process.env, NO_COLOR: '1' },
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    serve.stderr!.on('data', (d) => (stderr += d));
    const ready = await new Promise<{ port: number }>((resolve, reject) => {
      serve!.stdout!.on('data', (d) => {
        stdout += d;
        try {
          resolve(JSON.parse(stdout));
        } catch {}
      });
      serve!.once('exit', (code) => reject(new Error(`mlci serve exited ${code}: ${stderr}`)));
      setTimeout(() => reject(new Error(`mlci serve not ready in 60 s: ${stderr}`)), 60_000);
    });
    const started = Date.now();
    const closed = await new Promise<{ ms: number; byServer: boolean; received: string }>((resolve) => {
      const socket = connect(ready.port, '127.0.0.1', () => socket.write('POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Le'));
      let received = '';
      socket.on('data', (d) => (received += d));
      socket.on('error', () => {});
      const ceiling = setTimeout(() => {
        socket.destroy();
        resolve({ ms: Date.now() - started, byServer: false, received });
      }, 15_000);
      socket.on('close', () => {
        clearTimeout(ceiling);
        resolve({ ms: Date.now() - started, byServer: true, received });
      });
    });
    expect(closed.byServer, 'the socket was still open at 15 s').toBe(true);
    expect(closed.ms).toBeLessThan(15_000);
    expect(closed.received).toMatch(/^HTTP\/1\.1 408/);
    // the server still serves after cutting it
    const ping = await fetch(`http://127.0.0.1:${ready.port}/ping`);
    expect(ping.status).toBe(200);
    serve.kill('SIGTERM');
    const code = await new Promise((r) => (serve!.exitCode !== null ? r(serve!.exitCode) : serve!.once('exit', r)));
    expect(code).toBe(0);
    expectNoCrash({ exitCode: 0, stdout: '', stderr, timedOut: false });
  });
});
