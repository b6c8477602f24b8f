/**
 * Escaping for Markdown that GitHub renders (PR comments, job summaries, release notes). Everything that
 * came from a pull request or a data file goes through `escapeMarkdown`: it can then open no link, image,
 * HTML tag, table cell, code span, emphasis, heading or @mention, and stays on one line.
 */
import { sanitizeText } from './sanitize';

export function escapeMarkdown(text: unknown): string {
  // Controls, escape sequences and bidi overrides first (a U+202E in a name reverses the rest of the line).
  return (
    sanitizeText(text)
      .replace(/[\\`*_{}[\]()<>#+!|~&"'$=:-]/g, (c) => `&#${c.charCodeAt(0)};`)
      // Break what GitHub would autolink or notify: @mentions, #refs are entity-encoded above; bare URLs here.
      .replace(/@/g, '@\u200b')
      .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\u200b.`)
  );
}

/** A value shown in monospace: escaped, then wrapped so it reads as code without being able to close the span. */
export function codeSpan(text: unknown): string {
  return `<code>${escapeMarkdown(text)}</code>`;
}

/** A GitHub-flavoured Markdown table from already-escaped cells. */
export function markdownTable(header: string[], rows: string[][], align: Array<'l' | 'r' | 'c'> = []): string {
  const rule = header.map((_, i) => (align[i] === 'r' ? '---:' : align[i] === 'c' ? ':---:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
