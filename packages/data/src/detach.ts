/**
 * A copy of `text` that does not keep its source alive. Strings sliced out of a read chunk share the
 * chunk's memory in V8 (a "sliced string" pins the whole 1 MiB parent), so a value kept past its batch,
 * in a violation sample or a `unique` set, would pin every chunk it came from. Concatenating then
 * slicing forces a fresh flat copy; short strings are copied by V8 anyway.
 */
export function detachString(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}
