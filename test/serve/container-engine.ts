/**
 * A container engine for the image tests: an already reachable docker (DOCKER_HOST), else a private dockerd
 * this test starts (own socket, data root, exec root, pid file) and stops by its PID; null with the reason when
 * neither can run. Plus the locally made Debian base (debian-base.ts), since no image registry is reachable here.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importDebianBase, makeDebianBase } from './debian-base';

export interface Engine {
  env: Record<string, string>;
  description: string;
  stop(): Promise<void>;
}

const works = (env: NodeJS.ProcessEnv) => spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { env, timeout: 15_000 }).status === 0;

export async function startEngine(): Promise<{ engine: Engine | null; reason: string }> {
  if (spawnSync('docker', ['--version']).status !== 0) return { engine: null, reason: 'no docker CLI on PATH (install Debian\'s docker.io)' };
  if (process.env.DOCKER_HOST && works(process.env)) return { engine: { env: { DOCKER_HOST: process.env.DOCKER_HOST }, description: `docker at ${process.env.DOCKER_HOST}`, stop: async () => {} }, reason: '' };
  if (spawnSync('dockerd', ['--version']).status !== 0) return { engine: null, reason: 'no docker daemon reachable and no dockerd binary to start one' };
  const root = mkdtempSync(join(tmpdir(), 'mlci-dockerd-'));
  const socket = `unix://${root}/docker.sock`;
  const daemon = spawn('dockerd', ['-H', socket, '--data-root', join(root, 'data'), '--exec-root', join(root, 'exec'), '--pidfile', join(root, 'docker.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
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
  return { tag, made: `${base.cached ? `cached ${base.tar}` : `debootstrap from ${base.mirror} in ${base.seconds.toFixed(0)} s`}, imported in ${((Date.now() - started) / 1000).toFixed(1)} s` };
}

export const readText = (p: string) => readFileSync(p, 'utf8');
