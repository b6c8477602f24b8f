import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileError, inputError, type Outcome } from '@mlci/core';
import type { RunRecord } from '@mlci/store';
import type { GateResult } from './types';
import { GatesFailedError } from './errors';

const OUTCOMES = new Set(['pass', 'warn', 'fail']);

/**
 * Gate results recorded on the run itself: tags `mlci.gate.<name>` = pass | warn | fail (what overfit-gate and
 * compare-to-champion may tag a run with).
 */
export function gatesFromRun(run: RunRecord): GateResult[] {
  return Object.entries(run.tags)
    .filter(([k, v]) => k.startsWith('mlci.gate.') && OUTCOMES.has(v))
    .map(([k, v]) => ({ name: k.slice('mlci.gate.'.length), outcome: v as Outcome, source: `run tag ${k}` }));
}

/**
 * Reads result files (the JSON every mlci step writes: an object with `outcome`, or a list of them). The gate
 * is named by the result's `kind`, `name` or `command` field, else by the file name.
 */
export async function readGateFiles(paths: string[]): Promise<GateResult[]> {
  const out: GateResult[] = [];
  for (const path of paths) {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      if (error instanceof SyntaxError) throw inputError(`gate result is not JSON: ${error.message}`, { file: path });
      throw fileError(path, error);
    }
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      const outcome = (item as { outcome?: unknown })?.outcome;
      if (typeof outcome !== 'string' || !OUTCOMES.has(outcome)) {
        throw inputError('gate result has no "outcome" of pass, warn or fail', {
          file: path,
          hint: 'pass the JSON result an mlci step wrote (e.g. `mlci gate --json > gate.json`)',
        });
      }
      const it = item as Record<string, unknown>;
      const name = [it.kind, it.name, it.command].find((v) => typeof v === 'string') as string | undefined;
      out.push({ name: name ?? basename(path).replace(/\.json$/, ''), outcome: outcome as Outcome, source: path });
    }
  }
  return out;
}

/** Refuses promotion when gates are required and any failed, or none were found at all. */
export function checkGates(gates: GateResult[], required: boolean, runId: string): void {
  if (!required) return;
  if (!gates.length) {
    throw new GatesFailedError(
      `require-gates is on but no gate results were found for run ${runId}`,
      'pass the gate/compare result files (--gates FILE, input result-file), or turn require-gates off',
    );
  }
  const failed = gates.filter((g) => g.outcome === 'fail');
  if (failed.length) {
    throw new GatesFailedError(
      `refusing to promote run ${runId}: ${failed.map((g) => `${g.name} failed (${g.source})`).join('; ')}`,
      'fix the regression and rerun the checks, or promote without require-gates if this is deliberate',
    );
  }
}
