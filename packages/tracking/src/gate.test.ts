import { describe, expect, it } from 'vitest';
import { MAX_ASSERTION_DEPTH, MAX_ASSERTION_LENGTH, encodeGateResult, evaluateAssertion, gateRun, parseAssertion } from './gate';

const series = (values: number[]) => values.map((value, step) => ({ step, value, timestamp: 1000 + step }));
const metrics = {
  train_loss: series([1.0, 0.8, 0.6, 0.5, 0.4]),
  val_loss: series([1.0, 0.7, 0.75, 0.8, 0.9]),
  train_accuracy: series([0.97]),
  val_accuracy: series([0.9]),
  'system/cpu_utilization_percentage': series([50]),
};

describe('overfit-gate assertions', () => {
  it('evaluates comparisons and arithmetic over last values, reporting the values used', () => {
    const r = evaluateAssertion('val_loss < 1.2 * train_loss', metrics);
    expect(r.passed).toBe(false); // 0.9 < 0.48
    expect(r.values).toEqual({ val_loss: 0.9, train_loss: 0.4 });
    expect(r.evaluated).toBe('0.9 < 1.2 * 0.4');
    const gap = evaluateAssertion('train_accuracy - val_accuracy <= 0.05', metrics);
    expect(gap.passed).toBe(false);
    expect(evaluateAssertion('train_accuracy - val_accuracy <= 0.1', metrics).passed).toBe(true);
    expect(evaluateAssertion('min(val_loss) >= 0.7 and max(train_loss) == 1', metrics).passed).toBe(true);
    expect(evaluateAssertion('-(first(val_loss)) + 2 * mean(train_loss) > 0', metrics).passed).toBe(true);
    expect(evaluateAssertion('`system/cpu_utilization_percentage` < 90 or not (1 < 2)', metrics).passed).toBe(true);
    expect(evaluateAssertion('system/cpu_utilization_percentage < 90', metrics).passed).toBe(true);
  });

  it('checks curve shapes over the history ordered by step', () => {
    const overfit = evaluateAssertion('rising(val_loss, 3) and falling(train_loss, 3)', metrics);
    expect(overfit.passed).toBe(true);
    expect(overfit.values['rising(val_loss, 3)']).toEqual([0.7, 0.75, 0.8, 0.9]);
    expect(evaluateAssertion('rising(val_loss, 4)', metrics).passed).toBe(false);
    expect(evaluateAssertion('rising(train_accuracy, 1)', metrics).passed).toBe(false); // too few points
    const g = gateRun({ id: 'x', name: 'n', metrics }, ['not (rising(val_loss, 3) and falling(train_loss, 3))', 'train_accuracy >= 0.9']);
    expect(g.outcome).toBe('fail');
    expect(g.assertions.map((a) => a.passed)).toEqual([false, true]);
    expect(g.assertions[0].evaluated).toBe('not (rising(val_loss, 3)=true and falling(train_loss, 3)=true)');
    expect(overfit.evaluated).toBe('rising(val_loss, 3)=true and falling(train_loss, 3)=true');
  });

  it('names the metrics that exist when one is unknown, and points at syntax errors', () => {
    expect(() => evaluateAssertion('val_los < 1', metrics)).toThrow(/val_los/);
    try {
      evaluateAssertion('val_los < 1', metrics);
    } catch (e: any) {
      expect(e.hint).toContain('train_loss, val_accuracy, val_loss');
    }
    expect(() => parseAssertion('val_loss < < 1')).toThrow(/unexpected "<"/);
    expect(() => parseAssertion('val_loss < 1 )')).toThrow(/after a complete assertion/);
    expect(() => parseAssertion('exp(val_loss) < 1')).toThrow(/unknown function "exp"/);
    expect(() => parseAssertion('__import__("os")')).toThrow(/unknown function|unexpected character/);
    expect(() => evaluateAssertion('val_loss', metrics)).toThrow(/comparison/);
    expect(() => evaluateAssertion('rising(val_loss, 2) < 1', metrics)).toThrow(/needs a number/);
    expect(() => gateRun({ id: 'x', name: 'n', metrics }, [' '])).toThrow(/no assertions/);
  });

  it('reads NaN as unknown, which never passes, with a note saying where it came from', () => {
    const m = { ...metrics, zero: series([0]), one: series([1]) };
    const nan = evaluateAssertion('not (zero/zero < 1)', m);
    expect(nan.passed).toBe(false);
    expect(nan.notes).toContain('zero/zero is NaN (0/0)');
    expect(nan.notes?.join(' ')).toMatch(/neither true nor false/);
    const spaced = evaluateAssertion('zero / zero >= 0', m);
    expect(spaced.passed).toBe(false);
    expect(spaced.notes).toContain('zero / zero is NaN (0/0)');
    // Three-valued: a decided side settles and/or; otherwise unknown stays unknown (and fails).
    expect(evaluateAssertion('zero/zero < 1 or one == 1', m).passed).toBe(true);
    expect(evaluateAssertion('zero/zero < 1 and one == 2', m).passed).toBe(false);
    expect(evaluateAssertion('zero/zero < 1 and one == 1', m).passed).toBe(false);
    expect(evaluateAssertion('not (zero/zero < 1 or one == 2)', m).passed).toBe(false);
    expect(evaluateAssertion('one / 0 > 1', m).passed).toBe(true); // Infinity is a number, not NaN
    expect(evaluateAssertion('one > 0', m).notes).toBeUndefined();
  });

  it('divides at "/" unless the whole name is a metric of the run; backticks always name one metric', () => {
    const m = { zero: series([0]), two: series([2]), 'train/loss': series([0.5]), train: series([4]), loss: series([2]) };
    expect(evaluateAssertion('train/loss < 1', m)).toMatchObject({ passed: true, values: { 'train/loss': 0.5 } });
    expect(evaluateAssertion('two/zero > 1', m).passed).toBe(true); // 2 / 0 = Infinity
    expect(evaluateAssertion('two/2 == 1', m)).toMatchObject({ passed: true, evaluated: '2 / 2 == 1' });
    expect(evaluateAssertion('min(train/loss) < 1', m).passed).toBe(true);
    expect(() => evaluateAssertion('`two/zero` > 1', m)).toThrow(/metric "two\/zero", which the run did not log/);
    expect(() => evaluateAssertion('two/nope > 1', m)).toThrow(/"nope" is not a metric/);
    expect(evaluateAssertion('two/1e3 < 1', m).passed).toBe(true);
    expect(evaluateAssertion('eval/1st_epoch > 1', { ...m, 'eval/1st_epoch': series([3]) }).passed).toBe(true);
    expect(() => evaluateAssertion('two/1st > 1', m)).toThrow(/"1st" is not a number either/);
  });

  it('refuses assertions too long or too deep with a usage error instead of overflowing the stack', () => {
    const deep = '('.repeat(10_000) + 'a' + ')'.repeat(10_000) + ' > 0';
    const chain = Array.from({ length: 100_000 }, () => 'a > 0').join(' and ');
    for (const expression of [deep, chain]) {
      let error: any;
      try {
        evaluateAssertion(expression, { a: series([1]) });
      } catch (e) {
        error = e;
      }
      expect(error?.kind).toBe('usage');
      expect(error.message).toMatch(new RegExp(`above the limit of ${MAX_ASSERTION_LENGTH.toLocaleString('en-US')}`));
      expect(error.message.length).toBeLessThan(600);
    }
    const nested = '('.repeat(MAX_ASSERTION_DEPTH + 1) + 'a' + ')'.repeat(MAX_ASSERTION_DEPTH + 1) + ' > 0';
    expect(() => parseAssertion(nested)).toThrow(/nested more than 64 levels/);
    expect(() => parseAssertion('not '.repeat(MAX_ASSERTION_DEPTH + 1) + 'a > 0')).toThrow(/nested more than/);
    expect(() => parseAssertion('-'.repeat(MAX_ASSERTION_DEPTH + 1) + 'a > 0')).toThrow(/nested more than/);
    expect(
      evaluateAssertion('('.repeat(MAX_ASSERTION_DEPTH) + 'a' + ')'.repeat(MAX_ASSERTION_DEPTH) + ' > 0', { a: series([1]) }).passed,
    ).toBe(true);
    // The longest chain under the length limit still evaluates (no recursion trouble at the limit).
    const longest = Array.from({ length: Math.floor(MAX_ASSERTION_LENGTH / 8) }, () => 'a>0').join(' and ');
    expect(longest.length).toBeLessThanOrEqual(MAX_ASSERTION_LENGTH);
    expect(evaluateAssertion(longest, { a: series([1]) }).passed).toBe(true);
    expect(
      evaluateAssertion(Array.from({ length: MAX_ASSERTION_LENGTH / 2 - 4 }, () => 'a').join('+') + ' > 0', { a: series([1]) }).passed,
    ).toBe(true);
  });
});

describe('encodeGateResult', () => {
  it('writes NaN and ±inf among the values used as strings, in lists too, and leaves the result itself alone', () => {
    const run = { id: 'r', name: 'n', metrics: { loss: series([1, NaN]), acc: series([Infinity]), up: series([1, -Infinity, 2]) } };
    const result = gateRun(run, ['loss < 1', 'acc > 0', 'rising(up, 2)', 'last(acc) - 1 > 0']);
    const encoded = encodeGateResult(result);
    expect(encoded.assertions.map((a) => a.values)).toEqual([
      { loss: 'NaN' },
      { acc: 'Infinity' },
      { 'rising(up, 2)': [1, '-Infinity', 2] },
      { 'last(acc)': 'Infinity' },
    ]);
    expect(JSON.parse(JSON.stringify(encoded)).assertions[0].values.loss).toBe('NaN');
    expect(encoded.assertions.map((a) => a.passed)).toEqual(result.assertions.map((a) => a.passed));
    expect(result.assertions[0].values.loss).toBeNaN();
  });
});
