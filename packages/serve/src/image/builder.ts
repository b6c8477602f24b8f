import { execFile } from 'node:child_process';
import { MlciError, type Logger } from '@mlci/core';

/** A container engine driven through its docker-compatible CLI (docker, or podman). */
export interface Builder {
  tool: 'docker' | 'podman';
  version: string;
  /** docker buildx is present (needed for SBOM and provenance attestations). */
  buildx: boolean;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with arguments (never through a shell). */
export function run(
  cmd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 600_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error
          ? typeof (error as NodeJS.ErrnoException).code === 'number'
            ? Number((error as NodeJS.ErrnoException).code)
            : 127
          : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) || (error && !stderr ? error.message : '') });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/**
 * Finds a container engine that can build AND run here: docker (its daemon must answer), then podman.
 * Returns the builder, or null with the reason each candidate failed (for the "container step not exercised" note).
 */
export async function detectBuilder(
  env: NodeJS.ProcessEnv = process.env,
  prefer: 'auto' | 'docker' | 'podman' = 'auto',
): Promise<{ builder: Builder | null; tried: string[] }> {
  const tried: string[] = [];
  for (const tool of prefer === 'auto' ? (['docker', 'podman'] as const) : [prefer]) {
    const v = await run(tool, ['version', '--format', '{{.Server.Version}}'], { env, timeoutMs: 15_000 });
    if (v.code === 0 && v.stdout.trim()) {
      const buildx = tool === 'docker' && (await run('docker', ['buildx', 'version'], { env, timeoutMs: 15_000 })).code === 0;
      return { builder: { tool, version: v.stdout.trim(), buildx }, tried };
    }
    tried.push(`${tool}: ${(v.stderr || v.stdout).trim().split('\n').pop() || `exit ${v.code}`}`);
  }
  return { builder: null, tried };
}

const fail = (what: string, r: ExecResult) =>
  new MlciError('remote', `${what} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-6).join('\n  ')}`);

export async function buildImage(
  b: Builder,
  context: string,
  tags: string[],
  buildArgs: Record<string, string>,
  env: NodeJS.ProcessEnv,
  logger?: Logger,
): Promise<string> {
  const args = [
    'build',
    ...tags.flatMap((t) => ['-t', t]),
    ...Object.entries(buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
    context,
  ];
  if (b.tool === 'docker' && b.buildx) args.splice(1, 0, '--load'); // buildx: keep the image in the local store to run it
  logger?.info(`${b.tool} ${args.join(' ')}`);
  const r = await run(b.tool, b.tool === 'docker' && b.buildx ? ['buildx', ...args] : args, { env });
  if (r.code !== 0) throw fail(`${b.tool} build`, r);
  const id = await run(b.tool, ['image', 'inspect', '--format', '{{.Id}}', tags[0]], { env });
  if (id.code !== 0) throw fail(`${b.tool} image inspect`, id);
  return id.stdout.trim();
}

export interface RunningContainer {
  id: string;
  url: string;
  /** docker stop (SIGTERM, then SIGKILL after 10 s): resolves to the seconds stopping took and the exit code. */
  stop(): Promise<{ seconds: number; exitCode: number | null }>;
  logs(): Promise<string>;
}

/** Runs the image with its port published on 127.0.0.1 only (an ephemeral host port). */
export async function runImage(b: Builder, image: string, port: number, env: NodeJS.ProcessEnv): Promise<RunningContainer> {
  const extra = b.tool === 'podman' ? ['--ulimit', 'nofile=4096:4096', '--ulimit', 'nproc=4096:4096'] : [];
  const r = await run(b.tool, ['run', '-d', ...extra, '-p', `127.0.0.1::${port}`, image], { env, timeoutMs: 60_000 });
  if (r.code !== 0) throw fail(`${b.tool} run`, r);
  const id = r.stdout.trim().split('\n').pop()!;
  const p = await run(b.tool, ['port', id, String(port)], { env });
  const hostPort = /:(\d+)\s*$/m.exec(p.stdout)?.[1];
  if (!hostPort) throw fail(`${b.tool} port`, p);
  return {
    id,
    url: `http://127.0.0.1:${hostPort}`,
    async stop() {
      const started = Date.now();
      await run(b.tool, ['stop', '-t', '10', id], { env, timeoutMs: 30_000 });
      const code = await run(b.tool, ['inspect', '--format', '{{.State.ExitCode}}', id], { env });
      await run(b.tool, ['rm', '-f', id], { env });
      return { seconds: (Date.now() - started) / 1000, exitCode: code.code === 0 ? Number(code.stdout.trim()) : null };
    },
    async logs() {
      const l = await run(b.tool, ['logs', id], { env });
      return l.stdout + l.stderr;
    },
  };
}

export interface PushResult {
  digest: string;
  sbom: boolean;
  provenance: boolean;
}

/**
 * Pushes the tags. With buildx the image is rebuilt from cache with `--push --sbom=true --provenance=mode=max`
 * (the attestations are made at build time); without it, `push` and no attestations.
 */
export async function pushImage(
  b: Builder,
  context: string,
  tags: string[],
  buildArgs: Record<string, string>,
  env: NodeJS.ProcessEnv,
  logger?: Logger,
): Promise<PushResult> {
  if (b.tool === 'docker' && b.buildx) {
    const meta = `${context}.metadata.json`;
    const args = [
      'buildx',
      'build',
      '--push',
      '--sbom=true',
      '--provenance=mode=max',
      '--metadata-file',
      meta,
      ...tags.flatMap((t) => ['-t', t]),
      ...Object.entries(buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
      context,
    ];
    logger?.info(`docker ${args.join(' ')}`);
    const r = await run('docker', args, { env });
    if (r.code !== 0) throw fail('docker buildx build --push', r);
    const { readFile } = await import('node:fs/promises');
    const digest = JSON.parse(await readFile(meta, 'utf8'))['containerimage.digest'];
    return { digest, sbom: true, provenance: true };
  }
  let digest = '';
  for (const tag of tags) {
    const r = await run(b.tool, ['push', tag], { env });
    if (r.code !== 0) throw fail(`${b.tool} push ${tag}`, r);
    digest ||= /digest: (sha256:[0-9a-f]{64})/.exec(r.stdout + r.stderr)?.[1] ?? '';
  }
  return { digest, sbom: false, provenance: false };
}

/** A Docker tag from free text: [A-Za-z0-9_.-], at most 128 characters, not starting with . or -. */
export function tagOf(text: string): string {
  return (
    text
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 128) || 'latest'
  );
}
