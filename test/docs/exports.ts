import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The value names a module exports, read from its source (no import, so no module runs): declarations
 * (`export function|class|const|let|enum`), lists (`export { a, b as c }`, type-only ones skipped) and
 * `export * from './x'`, followed into the relative module.
 */
export function exportedNames(file: string, seen = new Set<string>()): Set<string> {
  const names = new Set<string>();
  if (seen.has(file)) return names;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  const declaration =
    /^export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\*?|class|const|let|var|enum)\s+([A-Za-z_$][\w$]*)/gm;
  for (const m of source.matchAll(declaration)) names.add(m[1]);
  for (const m of source.matchAll(/^export\s+(type\s+)?\{([^}]*)\}/gm)) {
    if (m[1]) continue;
    for (const part of m[2].split(',')) {
      const item = part.trim();
      if (!item || item.startsWith('type ')) continue;
      const alias = item.split(/\s+as\s+/);
      names.add(alias[alias.length - 1].trim());
    }
  }
  for (const m of source.matchAll(/^export\s+\*\s+from\s+['"](\.[^'"]+)['"]/gm)) {
    for (const name of exportedNames(moduleFile(dirname(file), m[1]), seen)) names.add(name);
  }
  return names;
}

function moduleFile(dir: string, specifier: string): string {
  for (const candidate of [`${specifier}.ts`, join(specifier, 'index.ts'), specifier]) {
    const path = resolve(dir, candidate);
    if (existsSync(path)) return path;
  }
  throw new Error(`cannot resolve ${specifier} from ${dir}`);
}

/** Every entry of a package's "exports" map with the module file(s) it names (a `./*` pattern: all modules). */
export function packageEntries(packageDir: string): Array<{ subpath: string; file: string }> {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { exports?: Record<string, string> };
  const entries: Array<{ subpath: string; file: string }> = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (!subpath.includes('*')) {
      entries.push({ subpath, file: join(packageDir, target) });
      continue;
    }
    const [prefix, suffix] = target.split('*');
    const dir = join(packageDir, dirname(`${prefix}x`));
    for (const name of readdirModules(dir, suffix)) {
      entries.push({ subpath: subpath.replace('*', name), file: join(dir, `${name}${suffix}`) });
    }
  }
  return entries;
}

function readdirModules(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(suffix) && !f.endsWith(`.test${suffix}`))
    .map((f) => f.slice(0, -suffix.length));
}
