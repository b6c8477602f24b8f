import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/runner';

const architecture = readFileSync(join(repoRoot, 'docs/ARCHITECTURE.md'), 'utf8');

/** The rows of ARCHITECTURE's "Where behaviour lives" table: behaviour, file, function. */
export function behaviourRows(markdown: string): Array<{ behaviour: string; file: string; name: string }> {
  const section = markdown.split(/^## Where behaviour lives$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows: Array<{ behaviour: string; file: string; name: string }> = [];
  for (const line of section.split('\n')) {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    if (cells.length !== 3 || cells[0] === 'behaviour' || /^-+$/.test(cells[0])) continue;
    rows.push({ behaviour: cells[0], file: cells[1].replace(/^`|`$/g, ''), name: cells[2].replace(/^`|`$/g, '') });
  }
  return rows;
}

/** Whether `source` declares `name`: a function, class, const/let/var, or a method of a class (its parameters then `{` or a return type). */
export function declares(source: string, name: string): boolean {
  const n = name.replace(/[$]/g, '\\$');
  return new RegExp(
    `(?:\\bfunction\\*?\\s+${n}\\b|\\bclass\\s+${n}\\b|\\b(?:const|let|var)\\s+${n}\\s*[=:]|^[ \\t]+(?:(?:public|private|protected|static|async|get|set)\\s+)*${n}\\s*(?:<[^>]*>)?\\([^)]*\\)\\s*[:{])`,
    'm',
  ).test(source);
}

describe("ARCHITECTURE's behaviour table", () => {
  const rows = behaviourRows(architecture);

  it('has the rows newcomers look for', () => {
    expect(rows.length).toBeGreaterThanOrEqual(12);
    const behaviours = rows.map((r) => r.behaviour).join('\n');
    const wanted = ['marker', 'KS', 'uploaded', 'gate evaluator', 'compare-and-swap', 'backend factory', 'release', 'YAML'];
    for (const w of [...wanted, 'sanitizer', 'watchdog', 'preflight', 'drift test']) expect(behaviours).toContain(w);
  });

  it.each(rows.map((r) => [r.behaviour, r.file, r.name]))('%s: %s declares %s', (_behaviour, file, name) => {
    const path = join(repoRoot, file);
    expect(existsSync(path), `${file} does not exist`).toBe(true);
    expect(declares(readFileSync(path, 'utf8'), name), `${file} declares no ${name}`).toBe(true);
  });

  it('the declaration check tells a declaration from a mention', () => {
    expect(declares('export async function openBackends(o) {}', 'openBackends')).toBe(true);
    expect(declares('export const reportMarker = (key = "") => key;', 'reportMarker')).toBe(true);
    expect(declares('class A {\n  async appendAliasEvent(event: E): Promise<void> {}\n}', 'appendAliasEvent')).toBe(true);
    expect(declares('const x = openBackends(options);\n// see openBackends', 'openBackends')).toBe(false);
    expect(declares('export function openBackendsLater() {}', 'openBackends')).toBe(false);
    expect(declares('function f() {\n  openBackends(options);\n}', 'openBackends')).toBe(false);
  });
});
