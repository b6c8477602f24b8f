import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/runner';
import { exportedNames, packageEntries } from './exports';

const packages = readdirSync(join(repoRoot, 'packages')).filter((p) => existsSync(join(repoRoot, 'packages', p, 'package.json')));
// Package READMEs whose structured sections are still to be written (each an it.todo below); none now.
const pending = new Set<string>();
const structured = packages.filter((p) => !pending.has(p));
const readme = (pkg: string) => join(repoRoot, 'packages', pkg, 'README.md');

/** A README's section under `## title`, up to the next `## ` heading. */
export function section(markdown: string, title: string): string | null {
  const parts = markdown.split(new RegExp(`^## ${title}\\s*$`, 'm'));
  return parts.length < 2 ? null : parts[1].split(/^## /m)[0];
}

/** The names a "Public functions" section documents: the code spans a bullet opens with, before its ` — `. */
export function documentedNames(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const bullet = /^\s*- (.*)$/.exec(line);
    if (!bullet) continue;
    const head = bullet[1].split(' — ')[0];
    for (const m of head.matchAll(/`([A-Za-z_$][\w$]*)(?:\([^`]*\))?`/g)) names.push(m[1]);
  }
  return names;
}

/** Repository paths a document names in code spans (`dir/file.ext`), placeholders and globs left out. */
export function namedPaths(markdown: string): string[] {
  const paths = new Set<string>();
  for (const m of markdown.matchAll(/`([^`\s]+)`/g)) {
    const text = m[1].replace(/:\d+(-\d+)?$/, '');
    if (/[<>*$]/.test(text) || !/^[\w.@-]+(\/[\w.@-]+)+\.[A-Za-z]{1,5}$/.test(text)) continue;
    paths.add(text);
  }
  return [...paths];
}

describe('package READMEs', () => {
  for (const pkg of pending) it.todo(`${pkg}: README gains "One job:", "## Public functions" and "## Errors"`);

  it.each(packages)('%s has a README', (pkg) => {
    expect(existsSync(readme(pkg)), `packages/${pkg}/README.md is missing`).toBe(true);
  });

  it.each(structured)('%s has a README with its one job, public functions and errors', (pkg) => {
    expect(existsSync(readme(pkg)), `packages/${pkg}/README.md is missing`).toBe(true);
    const text = readFileSync(readme(pkg), 'utf8');
    expect(text).toMatch(/^One job: .+$/m);
    expect(section(text, 'Public functions'), 'no "## Public functions" section').not.toBeNull();
    expect(section(text, 'Errors')?.trim(), 'no "## Errors" section').toBeTruthy();
  });

  it.each(structured.filter((p) => p !== 'cli'))('every function packages/%s/README.md lists is exported', (pkg) => {
    const text = readFileSync(readme(pkg), 'utf8');
    const names = documentedNames(section(text, 'Public functions') ?? '');
    expect(names.length).toBeGreaterThan(0);
    const exported = new Set<string>();
    for (const entry of packageEntries(join(repoRoot, 'packages', pkg))) {
      expect(existsSync(entry.file), `package.json exports ${entry.subpath} from a missing ${entry.file}`).toBe(true);
      for (const name of exportedNames(entry.file)) exported.add(name);
    }
    expect(names.filter((n) => !exported.has(n))).toEqual([]);
  });

  // The CLI exports no library: its public interface is the command table.
  it('every command packages/cli/README.md lists is in the command table, and every command is listed', () => {
    const functions = section(readFileSync(readme('cli'), 'utf8'), 'Public functions') ?? '';
    const listed = [...functions.matchAll(/^- `mlci ([a-z-]+)/gm)].map((m) => m[1]);
    const table = readFileSync(join(repoRoot, 'packages/cli/src/commands/index.ts'), 'utf8');
    const commands = [...table.matchAll(/^\s+'?([a-z-]+)'?: \(\) => import\(/gm)].map((m) => m[1]);
    expect(commands.length).toBeGreaterThan(10);
    expect(listed.sort()).toEqual(commands.sort());
  });
});

describe('files the docs name', () => {
  const readmes = packages.map((p) => `packages/${p}/README.md`).filter((d) => existsSync(join(repoRoot, d)));
  const documents = ['docs/ARCHITECTURE.md', 'README.md', 'test/workflows/README.md', ...readmes];

  it.each(documents)('%s names only files that exist', (doc) => {
    const paths = namedPaths(readFileSync(join(repoRoot, doc), 'utf8'));
    const base = join(repoRoot, doc, '..');
    // A package README may name a file relative to its package (src/x.ts) or to the repository.
    const missing = paths.filter((p) => !existsSync(join(repoRoot, p)) && !existsSync(join(base, p)));
    expect(missing).toEqual([]);
  });

  it('the checks above can fail', () => {
    const paths = namedPaths('see `packages/none/src/nothing.ts` and `actions/<name>/action.yml`, `mlci.yml`');
    expect(paths).toEqual(['packages/none/src/nothing.ts']);
    const names = documentedNames('- `openTable(path)`, `formatOf` — readers\n- `x` is not a name here\ntext `y`');
    expect(names).toEqual(['openTable', 'formatOf', 'x']);
  });
});
