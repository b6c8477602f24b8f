/**
 * The shape every capability returns: JSON-serialisable, so the CLI can print it with --json,
 * an action can store it for the report, and a later step can read it back.
 */
export type Outcome = 'pass' | 'warn' | 'fail';

/** Worst of several outcomes: fail > warn > pass. */
export function worstOutcome(outcomes: Iterable<Outcome>): Outcome {
  let worst: Outcome = 'pass';
  for (const o of outcomes) {
    if (o === 'fail') return 'fail';
    if (o === 'warn') worst = 'warn';
  }
  return worst;
}
