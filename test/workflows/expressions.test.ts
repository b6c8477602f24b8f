import { describe, expect, it } from 'vitest';
import { condition, evaluate, interpolate } from './expressions';

const contexts = {
  github: { event_name: 'push', event: { inputs: { run: 'abc' } }, ref: 'refs/heads/main' },
  inputs: { alias: '', n: '3', flag: false },
  steps: { s: { outputs: { 'best-run': 'r1', json: '{"a":[1,2],"b":null}' }, outcome: 'success' } },
  matrix: { lr: 0.1 },
  env: { NAME: 'World' },
};

describe('expressions', () => {
  it('reads contexts case-insensitively, with dashes and index syntax, missing → null', () => {
    expect(evaluate('steps.s.outputs.best-run', contexts)).toBe('r1');
    expect(evaluate("steps.s.outputs['best-run']", contexts)).toBe('r1');
    expect(evaluate('GITHUB.Event.inputs.RUN', contexts)).toBe('abc');
    expect(evaluate('steps.nope.outputs.x', contexts)).toBeNull();
    expect(() => evaluate('nope.x', contexts)).toThrow(/unknown context/);
  });

  it('returns operands from || and &&, and compares loosely like GitHub', () => {
    expect(evaluate("inputs.alias || 'champion'", contexts)).toBe('champion');
    expect(evaluate("inputs.n && 'yes'", contexts)).toBe('yes');
    expect(evaluate("github.event_name == 'PUSH'", contexts)).toBe(true);
    expect(evaluate('inputs.n == 3', contexts)).toBe(true);
    expect(evaluate('matrix.lr < 0.5 && !inputs.flag', contexts)).toBe(true);
    expect(evaluate("'it''s'", contexts)).toBe("it's");
  });

  it('has the functions the examples use', () => {
    expect(evaluate('fromJSON(steps.s.outputs.json).a[1]', contexts)).toBe(2);
    expect(evaluate('toJSON(matrix)', contexts)).toBe('{\n  "lr": 0.1\n}');
    expect(evaluate("contains('Hello', 'ell') && startsWith(github.ref, 'refs/heads/') && endsWith('a.yml', '.YML')", contexts)).toBe(true);
    expect(evaluate("format('{0}-{1} {{x}}', 'a', 1)", contexts)).toBe('a-1 {x}');
    expect(evaluate("join(fromJSON('[1,2]'), '+')", contexts)).toBe('1+2');
    expect(() => evaluate("hashFiles('x')", contexts)).toThrow(/unsupported function/);
  });

  it('interpolates into text and decides if: with the implicit success()', () => {
    expect(interpolate('Hello ${{ env.NAME }} ${{ inputs.flag }} ${{ steps.s.outputs.missing }}!', contexts)).toBe('Hello World false !');
    expect(condition(undefined, contexts, { failed: true })).toBe(false);
    expect(condition("github.event_name == 'push'", contexts, { failed: false })).toBe(true);
    expect(condition("${{ github.event_name == 'push' }}", contexts, { failed: true })).toBe(false);
    expect(condition('always()', contexts, { failed: true })).toBe(true);
    expect(condition('failure()', contexts, { failed: true })).toBe(true);
    expect(condition('inputs.alias || vars_missing_is_not_used', { ...contexts, vars_missing_is_not_used: 'x' }, { failed: false })).toBe(
      true,
    );
  });
});
