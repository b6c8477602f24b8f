import { describe, expect, it } from 'vitest';
import { evaluateAssertion, gateRun, parseAssertion } from './gate';

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
});
