/**
 * The one place the report makes untrusted text safe. Everything that came from a pull request (metric and
 * param names, values, file names, messages, run names) reaches the comment through one of these functions:
 * - `md(text)`: inline Markdown (table cells, list items, headings): no HTML, link, autolink, image, code
 *   span, emphasis, table pipe, @mention, #reference or line break survives;
 * - `mdCode(text)`: the same shown in monospace (a `<code>` element whose content is escaped);
 * - `mermaidLabel(text)`: a label inside a ```mermaid block: a closed alphabet, so no quote, bracket,
 *   newline, directive (`%%{`) or fence (```) can break out of the chart or the code block;
 * - `details(summary, body)`: a folded block whose summary is escaped.
 * Numbers the report formats itself do not need escaping; `num` formats them.
 */
import { escapeMarkdown } from '@mlci/core';

/** Longest untrusted string shown in full; longer ones are cut with an ellipsis (a name is not a payload). */
export const MAX_TEXT = 200;

/** Untrusted text as inline Markdown, on one line, at most `max` characters of the original. */
export function md(text: unknown, max = MAX_TEXT): string {
  let s = String(text ?? '');
  if (s.length > max) s = s.slice(0, max) + '…';
  // GitHub autolinks `scheme://` in text; a zero-width space after the colon stops it (the colon is also
  // entity-encoded below, but that alone depends on how the renderer splits text nodes).
  s = s.replace(/:\/\//g, ':\u200b//');
  return escapeMarkdown(s);
}

/** Untrusted text in monospace: `<code>` with escaped content (a backtick span could be closed from inside). */
export function mdCode(text: unknown, max = MAX_TEXT): string {
  return `<code>${md(text, max)}</code>`;
}

/** A label for a Mermaid chart: letters, digits, space and `_ - . / +` only (others become `?`), at most 40 chars. */
export function mermaidLabel(text: unknown): string {
  const s = String(text ?? '')
    .replace(/[^A-Za-z0-9 _./+-]/g, '?')
    .slice(0, 40)
    .trim();
  return s || '?';
}

/** A folded block; `summary` is untrusted text, `body` is Markdown already made safe by the caller. */
export function details(summary: string, body: string, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${md(summary)}</summary>\n\n${body}\n\n</details>`;
}

/** A number as the report shows it: 4 significant figures, integers whole, no exponent below 1e21. */
export function num(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return '–';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e15)) return value.toExponential(digits - 1);
  return String(Number(value.toPrecision(digits)));
}

/** A metric's value in a comparison: NaN or ±∞ is a run that diverged, said so instead of a bare number. */
export function metricValue(value: number | null | undefined): string {
  return typeof value === 'number' && !Number.isFinite(value) ? `diverged (${num(value)})` : num(value);
}

/** A signed number: `+0.012`, `−0.3` (a true minus sign, so no Markdown list or table rule can start with it). */
export function signed(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return '–';
  if (value === 0) return '0';
  return value > 0 ? `+${num(value, digits)}` : `−${num(-value, digits)}`;
}

/** A signed percentage of a fraction: 0.0123 → `+1.23%`. */
export function percent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–';
  return signed(fraction * 100, 3) + '%';
}
