import { describe, expect, it } from 'vitest';
import { bestChildRun, trainSection } from '../../packages/report/src/render-sections';

const child = (name: string, metrics: Record<string, number>) => ({
  name,
  status: 'FINISHED',
  tags: {},
  metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, [{ step: 0, value: v, timestamp: 1 }]])),
});

describe('the best child run in the report', () => {
  it("takes a grid search's rank 1 over any other metric", () => {
    const best = bestChildRun([
      child('C=0.1', { rank_test_score: 2, mean_test_score: 0.9, val_loss: 0.1 }),
      child('C=1', { rank_test_score: 1, mean_test_score: 0.95, val_loss: 0.3 }),
    ]);
    expect(best).toEqual({ name: 'C=1', why: 'rank_test_score 1, mean_test_score 0.95' });
  });

  it('else the best on the first shared metric whose name gives a direction', () => {
    expect(bestChildRun([child('a', { epoch: 9, val_loss: 0.4 }), child('b', { epoch: 1, val_loss: 0.2 })])).toEqual({
      name: 'b',
      why: 'lowest val_loss: 0.2',
    });
    expect(bestChildRun([child('a', { accuracy: 0.8 }), child('b', { accuracy: 0.7 })])?.name).toBe('a');
    // Nothing to rank by: no claim.
    expect(bestChildRun([child('a', { epoch: 1 }), child('b', { epoch: 2 })])).toBeUndefined();
    expect(bestChildRun([child('a', { accuracy: 0.8 })])).toBeUndefined();
  });

  it('names it in the train section, escaped', () => {
    const body = trainSection({
      id: 'a'.repeat(32),
      name: 'grid',
      metrics: {},
      children: [child('<b>x</b>', { accuracy: 0.9 }), child('y', { accuracy: 0.1 })],
    }).body;
    expect(body).toContain('Best child run: ');
    expect(body).toMatch(/highest accuracy: 0\.9/);
    expect(body).not.toContain('<b>');
  });
});
