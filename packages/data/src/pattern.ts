/**
 * Regular expressions from schemas, matched in linear time. A schema comes from the repository, so in a pull
 * request it is untrusted: a backtracking engine (JavaScript's RegExp) runs `(a+)+$` against 41 characters
 * for minutes. RE2 (re2js, a pure-JavaScript port) never backtracks. It has no lookaround and no
 * backreferences, which Table Schema's XML Schema patterns never need; a pattern using them is refused with
 * that reason rather than run on a backtracking engine.
 */
import { RE2JS } from 're2js';

/** A compiled pattern: `test` is true when the pattern matches the WHOLE value (XML Schema semantics). */
export interface WholeValuePattern {
  source: string;
  test(value: string): boolean;
}

/** Compiles `pattern`, or throws an Error whose message says what RE2 cannot do and why mlci does not. */
export function compileWholeValuePattern(pattern: string): WholeValuePattern {
  const compiled = compileRe2(pattern);
  return { source: pattern, test: (value) => compiled.matches(value) };
}

/**
 * ajv's `code.regExp`: JSON Schema `pattern` and `patternProperties` match ANYWHERE in the value (ECMA-262
 * semantics), in linear time.
 */
export function re2RegExp(pattern: string, flags?: string): { test(value: string): boolean } {
  const compiled = compileRe2(pattern, flags?.includes('i') ? RE2JS.CASE_INSENSITIVE : 0);
  return { test: (value: string) => compiled.matcher(value).find() };
}
re2RegExp.code = 'require("re2js").RE2JS';

function compileRe2(pattern: string, flags = 0): RE2JS {
  try {
    return RE2JS.compile(pattern, flags);
  } catch (error) {
    const message = (error as Error).message.replace(/^error parsing regexp: /, '');
    throw new Error(
      `${message}; mlci matches schema patterns with RE2 (linear time, safe on untrusted schemas), which has no lookaround or backreferences`,
      { cause: error },
    );
  }
}
