/** Shared set-up for the tracking tests: throwaway git projects, the example scripts, a real mlflow server. */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../harness/runner';
import { mlciBin } from '../harness/cli';

export const examples = join(repoRoot, 'examples', 'tracking');
export const script = (name: string) => join(examples, name);

/** A fresh project directory; a git repository with one commit when `git` is true. */
export async function freshProject(files: Record<string, string> = {}, git = true): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mlci-tracking-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  if (git) {
    const g = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], {
        cwd: dir,
        stdio: 'ignore',
      });
    g('init', '-q');
    await writeFile(join(dir, '.gitignore'), '.mlci/\nout/\nmlruns/\nmetrics.json\n');
    g('add', '-A');
    g('commit', '-q', '-m', 'initial');
  }
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/**
 * Starts `mlflow server` (sqlite backend) on loopback; resolves once healthy. Artifacts are served over HTTP
 * (`--artifacts-destination`) unless `artifacts: 'default-root'` asks for a plain artifact root instead.
 */
export async function startMlflowServer(
  dir: string,
  options: { artifacts?: 'destination' | 'default-root' } = {},
): Promise<{ uri: string; stop(): void }> {
  const port = await freePort();
  const uri = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'mlflow',
    [
      'server',
      '--backend-store-uri',
      `sqlite:///${join(dir, 'mlflow.db')}`,
      options.artifacts === 'default-root' ? '--default-artifact-root' : '--artifacts-destination',
      join(dir, 'artifacts'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--workers',
      '1',
    ],
    { detached: true, stdio: 'ignore' },
  );
  const stop = () => {
    if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  };
  // A generous ceiling: on a loaded 2-core machine mlflow's Python start-up alone has taken 60 s.
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (
      await fetch(`${uri}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { uri, stop };
    await new Promise((r) => setTimeout(r, 250));
  }
  stop();
  throw new Error('mlflow server did not become healthy in 240 s');
}

/** Spawns the CLI and hands back the child, for tests that signal it mid-run. */
export function spawnCli(args: string[], cwd: string) {
  const child = spawn(process.execPath, [mlciBin, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ exitCode: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ exitCode: code, stdout, stderr })),
  );
  return { child, done, stderr: () => stderr };
}
