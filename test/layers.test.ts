/**
 * The house's shape (docs/ARCHITECTURE.md, "Layers"): each package imports only from layers below its own,
 * no module imports itself round a cycle, and only packages/actions uses the runner toolkit. The order is
 * read from ARCHITECTURE, so the document and the check cannot drift apart.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './harness/runner';

const packagesDir = join(repoRoot, 'packages');
/** Packages allowed to import @actions/core and @actions/github. */
const RUNNER_TOOLKIT_USERS = new Set(['actions']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

const packages = readdirSync(packagesDir).filter((p) => existsSync(join(packagesDir, p, 'src')));
const files = packages.flatMap((p) =>
  sourceFiles(join(packagesDir, p, 'src')).map((file) => ({ pkg: p, file, text: readFileSync(file, 'utf8') })),
);

/** Every module specifier a file loads at run time (static, dynamic, re-export); `import type` only with `types`. */
function specifiers(text: string, types = false): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?\sfrom\s+'([^']+)'/gm)) if (types || !m[2]) out.push(m[3]!);
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push(m[1]!);
  return out;
}

/** The layer order from ARCHITECTURE: a list of layers, each a list of package names. */
function declaredLayers(): string[][] {
  const doc = readFileSync(join(repoRoot, 'docs/ARCHITECTURE.md'), 'utf8');
  const line = /^Layers, lowest first: (.+)\.$/m.exec(doc)?.[1];
  expect(line, 'docs/ARCHITECTURE.md declares "Layers, lowest first: …"').toBeTruthy();
  return line!.split('→').map((layer) => [...layer.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!));
}

describe('layers', () => {
  it('declares every package in exactly one layer', () => {
    const declared = declaredLayers().flat();
    expect([...declared].sort()).toEqual([...packages].sort());
  });

  it('no package imports from its own layer or one above it (types included)', () => {
    const rank = new Map(declaredLayers().flatMap((names, i) => names.map((n) => [n, i] as const)));
    const backEdges: string[] = [];
    for (const { pkg, file, text } of files) {
      for (const spec of specifiers(text, true)) {
        const target = /^@mlci\/([a-z-]+)/.exec(spec)?.[1];
        if (!target || target === pkg) continue;
        if (rank.get(target)! >= rank.get(pkg)!) backEdges.push(`${relative(repoRoot, file)} imports ${spec}`);
      }
    }
    expect(backEdges).toEqual([]);
  });

  it('only packages/actions imports @actions/core or @actions/github', () => {
    const offenders = files
      .filter(({ pkg }) => !RUNNER_TOOLKIT_USERS.has(pkg))
      .flatMap(({ file, text }) =>
        specifiers(text)
          .filter((s) => s === '@actions/core' || s === '@actions/github')
          .map((s) => `${relative(repoRoot, file)} imports ${s}`),
      );
    expect(offenders).toEqual([]);
  });

  it('no import cycle between modules', () => {
    const resolveLocal = (from: string, spec: string) => {
      const base = resolve(dirname(from), spec);
      return [`${base}.ts`, join(base, 'index.ts'), base].find((c) => c.endsWith('.ts') && existsSync(c));
    };
    const graph = new Map(
      files.map(({ file, text }) => [
        file,
        specifiers(text)
          .filter((s) => s.startsWith('.'))
          .map((s) => resolveLocal(file, s))
          .filter((f): f is string => !!f),
      ]),
    );
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (node: string) => {
      state.set(node, 'open');
      stack.push(node);
      for (const next of graph.get(node) ?? []) {
        if (state.get(next) === 'open')
          cycles.push([...stack.slice(stack.indexOf(next)), next].map((f) => relative(repoRoot, f)).join(' → '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(node, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it('the checks see what they check: a value import, a dynamic import and a type-only import are told apart', () => {
    const text =
      "import * as core from '@actions/core';\nimport type { X } from '@mlci/cli';\nconst m = await import('@mlci/pipeline');\nexport { y } from './y';";
    expect(specifiers(text)).toEqual(['@actions/core', './y', '@mlci/pipeline']);
    expect(specifiers(text, true)).toEqual(['@actions/core', '@mlci/cli', './y', '@mlci/pipeline']);
  });
});
