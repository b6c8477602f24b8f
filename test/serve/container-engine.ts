/**
 * A container engine for the image tests: an already reachable docker (DOCKER_HOST), else a private dockerd
 * this test starts (own socket, data root, exec root, pid file) and stops by its PID; null with the reason when
 * neither can run. Plus the locally made Debian base (debian-base.ts), since no image registry is reachable here.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importDebianBase, makeDebianBase } from './debian-base';

export interface Engine {
  env: Record<string, string>;
  description: string;
  stop(): Promise<void>;
}

/**
 * One private dockerd at a time on this machine: two daemons share the docker0 bridge and hand out the same
 * container addresses, so one test's smoke requests can reach another's container. Test files that need an
 * engine (run in parallel by vitest) take this lock in turn; a holder that died leaves a lock that is reclaimed.
 */
const LOCK = join(tmpdir(), 'mlci-container-engine.lock');
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function takeEngineLock(maxWaitMs = 30 * 60_000): Promise<(() => void) | null> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch {
      const holder = Number(readFileSync(join(LOCK, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
      if (holder && !alive(holder)) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) return null;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

const works = (env: NodeJS.ProcessEnv) =>
  spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { env, timeout: 15_000 }).status === 0;

export async function startEngine(): Promise<{ engine: Engine | null; reason: string }> {
  if (spawnSync('docker', ['--version']).status !== 0)
    return { engine: null, reason: "no docker CLI on PATH (install Debian's docker.io)" };
  if (process.env.DOCKER_HOST && works(process.env))
    return {
      engine: { env: { DOCKER_HOST: process.env.DOCKER_HOST }, description: `docker at ${process.env.DOCKER_HOST}`, stop: async () => {} },
      reason: '',
    };
  if (spawnSync('dockerd', ['--version']).status !== 0)
    return { engine: null, reason: 'no docker daemon reachable and no dockerd binary to start one' };
  const release = await takeEngineLock();
  if (!release) return { engine: null, reason: `another test held the container engine lock (${LOCK}) for 30 minutes` };
  const root = mkdtempSync(join(tmpdir(), 'mlci-dockerd-'));
  const socket = `unix://${root}/docker.sock`;
  const daemon = spawn(
    'dockerd',
    ['-H', socket, '--data-root', join(root, 'data'), '--exec-root', join(root, 'exec'), '--pidfile', join(root, 'docker.pid')],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  daemon.stderr.on('data', (d) => (log = (log + d).slice(-4000)));
  const env = { ...process.env, DOCKER_HOST: socket };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && daemon.exitCode === null && !works(env)) await new Promise((r) => setTimeout(r, 300));
  const stop = async () => {
    if (daemon.exitCode === null) {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('exit', r));
    }
    rmSync(root, { recursive: true, force: true });
    release();
  };
  if (!works(env)) {
    await stop();
    return { engine: null, reason: `dockerd did not start: ${log.trim().split('\n').slice(-2).join(' ')}` };
  }
  return { engine: { env: { DOCKER_HOST: socket }, description: `a private dockerd (${socket})`, stop }, reason: '' };
}

/**
 * The local Debian base (debian-base.ts: debootstrap + python3, pip, venv, the host's node) imported into the
 * engine, or why it cannot be had. It stands in for both pinned bases (NODE_IMAGE and PYTHON_IMAGE).
 */
export function localBase(env: Record<string, string>): { tag: string; made: string } | { tag: null; reason: string } {
  const base = makeDebianBase();
  if (!base.ok) return { tag: null, reason: base.reason };
  const started = Date.now();
  const tag = importDebianBase(base, env);
  return {
    tag,
    made: `${base.cached ? `cached ${base.tar}` : `debootstrap from ${base.mirror} in ${base.seconds.toFixed(0)} s`}, imported in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  };
}

export const readText = (p: string) => readFileSync(p, 'utf8');
