/**
 * A container engine for the image tests: an already reachable docker (DOCKER_HOST), else a private dockerd
 * this test starts (own socket, data root, exec root, pid file) and stops by its PID; null with the reason when
 * neither can run. Plus a locally made base image (FROM scratch + the host's node, Debian's python3 and the
 * libraries ldd lists), since no image registry is reachable here.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

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

/** Builds (once per engine) a FROM-scratch base with node at /usr/local/bin/node and python3 with its stdlib. */
export function buildLocalBase(env: Record<string, string>, tag = 'mlci-serve-testbase:local'): string {
  const full = { ...process.env, ...env };
  if (spawnSync('docker', ['image', 'inspect', tag], { env: full }).status === 0) return tag;
  const ctx = mkdtempSync(join(tmpdir(), 'mlci-base-'));
  const rootfs = join(ctx, 'rootfs');
  const put = (from: string, to = from) => {
    mkdirSync(join(rootfs, dirname(to)), { recursive: true });
    copyFileSync(realpathSync(from), join(rootfs, to));
  };
  const node = realpathSync(process.execPath);
  const python = realpathSync('/usr/bin/python3');
  put(node, '/usr/local/bin/node');
  put(python, '/usr/bin/python3');
  for (const bin of [node, python]) {
    for (const line of execFileSync('ldd', [bin], { encoding: 'utf8' }).split('\n')) {
      const lib = /(\/\S+) \(0x/.exec(line)?.[1];
      if (lib && existsSync(lib)) put(lib);
    }
  }
  const stdlib = `/usr/lib/${python.split('/').pop()}`;
  cpSync(stdlib, join(rootfs, stdlib), { recursive: true, filter: (p) => !/\/(test|idlelib|tkinter|ensurepip|site-packages|dist-packages|__pycache__)(\/|$)/.test(p) });
  mkdirSync(join(rootfs, 'tmp'), { recursive: true });
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin:/usr/bin:/bin\n');
  execFileSync('docker', ['build', '-q', '-t', tag, ctx], { env: full, stdio: ['ignore', 'ignore', 'pipe'] });
  rmSync(ctx, { recursive: true, force: true });
  return tag;
}

export const readText = (p: string) => readFileSync(p, 'utf8');
