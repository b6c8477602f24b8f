import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { MlciError } from './errors';
import { writeJsonAtomic } from './fs';

/**
 * The one wrapper every action entry point uses: runs `body`, and turns an MlciError into a failed step
 * whose message names the input or file at fault (with an annotation when a file and line are known).
 */
export async function runAction(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof MlciError) {
      const { file, line } = error.location;
      if (file) core.error(error.message + (error.hint ? ` (hint: ${error.hint})` : ''), { file, startLine: line });
      core.setFailed(error.describe());
      plainErrorLine(error.oneLine());
    } else {
      core.setFailed(`internal error in mlci: ${(error as Error)?.stack ?? String(error)}`);
      plainErrorLine(`internal error in mlci: ${(error as Error)?.message ?? String(error)}`);
    }
  }
}

/**
 * The failure as one plain stderr line, `mlci: error: <message> (hint: …)`, besides the `::error::` command
 * core.setFailed writes on stdout. A GitHub runner turns that command into an annotation, but nektos/act shows
 * workflow commands only with --verbose, while it always shows a step's plain output lines: without this
 * line a step failed under act with no reason in sight.
 */
function plainErrorLine(text: string): void {
  process.stderr.write(`mlci: error: ${text.replace(/\s*[\r\n]+\s*/g, ' ').trim()}\n`);
}

/** Reads an input that must be present, with an error naming the input (never an empty string passed on). */
export function requiredInput(name: string): string {
  const value = core.getInput(name);
  if (!value) throw new MlciError('usage', `input "${name}" is required`, { hint: `add \`${name}:\` under \`with:\` in the step` });
  return value;
}

/** Reads an optional numeric input, naming it when it is not a number. */
export function numberInput(name: string, fallback: number): number {
  const raw = core.getInput(name);
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new MlciError('usage', `input "${name}" must be a number, got "${raw}"`);
  return value;
}

/**
 * Where each step leaves its JSON result for later steps and the report in the same job:
 * `$RUNNER_TEMP/mlci/results/<step>.json`.
 */
export const resultsDir = () => join(process.env.RUNNER_TEMP ?? tmpdir(), 'mlci', 'results');

/** Writes a step's result atomically and returns its path (set it as the step's `result-file` output). */
export async function writeStepResult(step: string, result: unknown): Promise<string> {
  const file = join(resultsDir(), `${step}.json`);
  await writeJsonAtomic(file, result);
  return file;
}

/** Reads a boolean input as the runner gives it ("true"/"false", any case), naming the input when it is neither. */
export function booleanInput(name: string, fallback: boolean): boolean {
  const raw = core.getInput(name).trim().toLowerCase();
  if (!raw) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new MlciError('usage', `input "${name}" must be true or false, got "${core.getInput(name)}"`);
}

/** A multi-line input as a list of non-empty trimmed lines. */
export function listInput(name: string): string[] {
  return core
    .getInput(name)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
