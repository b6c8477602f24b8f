/** Starts `mlci serve` as a user would (the bundled CLI in a child process) and talks to it over loopback. */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { mlciBin } from '../harness/cli';
import { repoRoot } from '../harness/runner';

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  ready: Record<string, unknown>;
  stderr(): string;
  /** SIGTERM, then the exit code and how long stopping took. */
  stop(): Promise<{ code: number | null; ms: number }>;
}

export async function startServe(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [mlciBin, 'serve', ...args, '--port', '0', '--json'], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      try {
        resolve(JSON.parse(stdout));
      } catch {
        /* the JSON document is not complete yet */
      }
    });
    void exited.then((code) => reject(new Error(`mlci serve exited ${code} before it was ready\n${stderr}`)));
  });
  return {
    child,
    url: String(ready.url),
    ready,
    stderr: () => stderr,
    async stop() {
      const started = Date.now();
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      return { code, ms: Date.now() - started };
    },
  };
}

export async function invoke(
  url: string,
  body: unknown,
  contentType = 'application/json',
): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(`${url}/invocations`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** Parses Prometheus text format strictly enough to catch malformed lines: returns samples by full name+labels. */
export function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    samples.set(m[1] + (m[2] ?? ''), Number(m[3]));
  }
  return samples;
}

/** Sum of every sample of `name` whose labels include all of `labels` (e.g. 'route="/invocations"'). */
export function sumOf(samples: Map<string, number>, name: string, ...labels: string[]): number {
  let total = 0;
  for (const [key, value] of samples)
    if ((key === name || key.startsWith(`${name}{`)) && labels.every((l) => key.includes(l))) total += value;
  return total;
}

/** Why the ONNX path cannot be tested here (onnxruntime-node not installed, skl2onnx not importable), or none. */
export function onnxPathMissing(): string[] {
  const missing: string[] = [];
  try {
    createRequire(join(repoRoot, 'package.json')).resolve('onnxruntime-node');
  } catch {
    missing.push('onnxruntime-node is not installed');
  }
  if (spawnSync('python3', ['-c', 'import skl2onnx'], { encoding: 'utf8' }).status !== 0)
    missing.push('skl2onnx is not importable by python3');
  return missing;
}
