/** Runs the `mlci` command the way a user does (node_modules/.bin/mlci resolves to this bin). */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { distDir, repoRoot } from './runner';

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The installed bin loads dist/cli.js; with MLCI_DIST set, tests run that private build's cli.js instead. */
export const mlciBin = process.env.MLCI_DIST ? join(distDir, 'cli.js') : join(repoRoot, 'packages/cli/bin/mlci.js');

export async function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string } = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, [mlciBin, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(options.input ?? '');
  const exitCode: number = await new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done(code ?? 1));
  });
  return { exitCode, stdout, stderr };
}

/** Parses stdout as the one JSON document `--json` promises, with the stderr in the error when it is not. */
export function jsonOf(run: CliRun): any {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(
      `stdout is not one JSON document (exit ${run.exitCode})\nstdout: ${run.stdout.slice(0, 2000)}\nstderr: ${run.stderr.slice(0, 2000)}`,
    );
  }
}
