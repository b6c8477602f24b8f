/**
 * Names and values echoed in messages and reports come from the data: a header "name" can be megabytes long.
 * Everything a user sees passes through these, so no report grows with a hostile cell.
 */

/** Characters of a name or value kept in a message, a report line or an annotation. */
export const DISPLAY_LENGTH = 200;

/** `text` cut to about `max` characters, saying how much was left out; never splits a surrogate pair. */
export function truncateForDisplay(text: string, max = DISPLAY_LENGTH): string {
  if (text.length <= max) return text;
  let end = max;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${text.slice(0, end)}… (${(text.length - end).toLocaleString('en-US')} more characters)`;
}

/** `"name"` quoted for a message, truncated. */
export const quoteForDisplay = (text: string, max = DISPLAY_LENGTH): string => JSON.stringify(truncateForDisplay(text, max));

/** At most `maxItems` quoted names joined by ", ", then how many more there are. */
export function listForDisplay(names: string[], maxItems = 10, max = DISPLAY_LENGTH): string {
  const shown = names.slice(0, maxItems).map((n) => quoteForDisplay(n, max));
  return names.length > maxItems ? `${shown.join(', ')} and ${(names.length - maxItems).toLocaleString('en-US')} more` : shown.join(', ');
}
