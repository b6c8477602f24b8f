import { colour, fileError, inputError, parseFlags, usageError } from '@mlci/core';
import { decodeRunRecord, openStore, type RunRecord } from '@mlci/store';
import { MAX_ASSERTION_DEPTH, MAX_ASSERTION_LENGTH, encodeGateResult, findProjectDir, gateRun } from '@mlci/tracking';
import { readFile } from 'node:fs/promises';
import { printJson, type Command } from '../command';

export const command: Command = {
  summary: "check a run's metrics against overfitting assertions",
  usage: `
usage: mlci gate RUN|--record FILE --assert EXPR [--assert EXPR]... [--json]

Exit 0 when every assertion holds, 1 when one fails, 2 on a syntax error or an unknown metric.
RUN is a recorded run (id, prefix or name); --record reads a run record JSON file instead.

Assertions: comparisons over the last logged values, with + - * / and parentheses, joined by and / or / not:
  val_loss < 1.2 * train_loss
  train_accuracy - val_accuracy <= 0.05
  min(val_loss) < 0.5          value functions: last first min max mean
  not (rising(val_loss, 3) and falling(train_loss, 3))
      rising(m, n) / falling(m, n): the last n changes of m (by step) all went up / down
Metric names are letters, digits, _ and . ; other characters go in backticks: \`val-loss\` < 1.
A name with / (train/loss, system/cpu_utilization_percentage) is that metric when the run logged it,
otherwise / divides: zero/zero is zero / zero. Backticks always mean one metric: \`a/b\`.
NaN (0/0) makes a comparison unknown, and unknown fails: not (zero/zero < 1) fails, with a note; and / or
follow three-valued logic (unknown or true is true). An assertion is at most ${MAX_ASSERTION_LENGTH} characters and
nests at most ${MAX_ASSERTION_DEPTH} levels; split longer ones into several --assert.
`,
  async run(args) {
    const { values, positionals } = parseFlags('gate', args, {
      assert: { type: 'string', multiple: true },
      record: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!values.assert?.length) throw usageError('give at least one --assert EXPR');
    let run: RunRecord;
    if (values.record) {
      if (positionals.length) throw usageError('give either RUN or --record FILE');
      const text = await readFile(values.record, 'utf8').catch((error) => {
        throw fileError(values.record!, error);
      });
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw inputError(`not a run record (invalid JSON: ${(error as Error).message})`, {
          file: values.record,
          hint: 'pass a run.json that mlci wrote (`mlci show RUN --json`)',
        });
      }
      run = checkRecord(parsed, values.record);
    } else {
      if (positionals.length !== 1) throw usageError('mlci gate takes one RUN');
      run = await (await openStore({ projectDir: await findProjectDir() })).getRun(positionals[0]);
    }
    const result = gateRun(run, values.assert);
    // NaN and ±inf values as "NaN"/"Infinity" strings, as run.json has them (JSON.stringify would write null).
    if (values.json) printJson(encodeGateResult(result));
    else {
      for (const a of result.assertions) {
        process.stdout.write(`${a.passed ? colour.green('pass') : colour.red('FAIL')}  ${a.expression}\n      ${a.evaluated}\n`);
        for (const n of a.notes ?? []) process.stdout.write(`      note: ${n}\n`);
      }
      process.stdout.write(
        `${result.outcome === 'pass' ? 'all assertions hold' : `${result.assertions.filter((a) => !a.passed).length} of ${result.assertions.length} assertions failed`} for run ${run.id.slice(0, 8)} (${run.name})\n`,
      );
    }
    return result.outcome === 'pass' ? 0 : 1;
  },
};

/**
 * The parts of a run record the gate reads, checked: a record from a file can hold anything, and a metric value
 * that is a string ("0.9") must be refused by name, not crash or compare as text.
 */
function checkRecord(value: unknown, file: string): RunRecord {
  const hint = 'metrics are {"NAME": [{"step": 0, "value": 0.9, "timestamp": 1700000000000}, ...]}, as mlci writes run.json';
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw inputError('not a run record (expected a JSON object)', { file, hint });
  const record = value as Record<string, unknown>;
  if (typeof record.metrics !== 'object' || record.metrics === null || Array.isArray(record.metrics))
    throw inputError('not a run record: "metrics" is missing or not an object', { file, hint });
  for (const [key, points] of Object.entries(record.metrics as Record<string, unknown>)) {
    if (!Array.isArray(points)) throw inputError(`metric "${key}" is not a list of points`, { file, hint });
    points.forEach((p, i) => {
      if (typeof p !== 'object' || p === null || Array.isArray(p))
        throw inputError(`metric "${key}" point ${i} is not an object`, { file, hint });
    });
  }
  // "NaN"/"Infinity"/"-Infinity" (and null, from older writers) are the non-finite values mlci writes: numbers
  // again here, so a gate on a diverged metric fails as on a stored run. Any other string is refused below.
  // Only the metrics are decoded: the gate reads nothing else, and a file's `children` can hold anything.
  const { metrics } = decodeRunRecord({ metrics: record.metrics as RunRecord['metrics'] });
  for (const [key, points] of Object.entries(metrics as Record<string, unknown[]>)) {
    points.forEach((p, i) => {
      const point = p as Record<string, unknown>;
      const v = point.value;
      if (typeof v !== 'number')
        throw inputError(
          `metric "${key}" point ${i}: value is ${typeof v === 'string' ? `the string ${JSON.stringify(v.slice(0, 40))}` : (JSON.stringify(v) ?? 'missing')}, not a number`,
          { file, hint },
        );
      if (point.step !== undefined && typeof point.step !== 'number')
        throw inputError(`metric "${key}" point ${i}: step is not a number`, { file, hint });
      if (point.timestamp !== undefined && typeof point.timestamp !== 'number')
        throw inputError(`metric "${key}" point ${i}: timestamp is not a number`, { file, hint });
    });
  }
  return {
    ...(record as unknown as RunRecord),
    metrics,
    id: typeof record.id === 'string' ? record.id : 'record',
    name: typeof record.name === 'string' ? record.name : file,
  };
}
