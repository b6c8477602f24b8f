import { describe, expect, it } from 'vitest';
import { RunCollector } from './collector';

describe('RunCollector params from a params file', () => {
  it('keeps the dotted key of params.yaml and drops the short copy a script logged of the same value', () => {
    const c = new RunCollector();
    // What examples/iris/train.py does: mlflow.log_params(yaml.safe_load(open("params.yaml"))["train"]).
    c.logParam('epochs', '30');
    c.logParam('learning_rate', '0.05');
    c.logParam('seed', '7'); // changed by the script: a different param, kept
    c.logParam('model', 'sgd'); // not in the file at all, kept
    c.mergeParamsFile({ 'train.epochs': '30', 'train.learning_rate': '0.05', 'train.seed': '42' });
    expect(c.params).toEqual({ 'train.epochs': '30', 'train.learning_rate': '0.05', 'train.seed': '42', seed: '7', model: 'sgd' });
  });

  it('never drops a key the file itself has, nor overrides a full key the script logged', () => {
    const c = new RunCollector();
    c.logParam('train.lr', '0.2');
    c.logParam('b.c', '1');
    c.mergeParamsFile({ lr: '0.1', 'train.lr': '0.1', 'a.b.c': '1', epochs: '3', 'train.epochs': '3' });
    expect(c.params).toEqual({ 'train.lr': '0.2', lr: '0.1', 'a.b.c': '1', epochs: '3', 'train.epochs': '3' });
  });

  it('leaves params merged from other sources (MLproject, --param) alone', () => {
    const c = new RunCollector();
    c.logParam('epochs', '3');
    c.mergeParams({ 'train.epochs': '3' });
    expect(c.params).toEqual({ epochs: '3', 'train.epochs': '3' });
  });
});

describe('RunCollector metric values', () => {
  it('keeps NaN and infinite values as they were logged, each once', () => {
    const c = new RunCollector();
    c.logMetric('loss', 0.5, 0, 1);
    c.logMetric('loss', NaN, 1, 2);
    c.logMetric('loss', NaN, 1, 2); // the same value re-sent (log_model re-logs the run's metrics)
    c.logMetric('loss', Infinity, 2, 3);
    c.logMetric('auc', -Infinity, 0, 4);
    expect(c.metrics.loss.map((p) => p.value)).toEqual([0.5, NaN, Infinity]);
    expect(c.metrics.auc.map((p) => p.value)).toEqual([-Infinity]);
  });
});
