/**
 * Least privilege, checked after the fact: every REST call a workflow run made must be allowed by the
 * `permissions:` its job declared (the scope and level mlci's permissionFor() assigns to the call).
 */
import { permissionFor } from '@mlci/core/github';
import type { Emulator } from '../github-emulator/index';

const LEVEL = { none: 0, read: 1, write: 2 } as const;

/** True when a `permissions:` block (object, `read-all`/`write-all`, or absent = GitHub's defaults) grants `needed` ("issues: write"). */
export function grants(permissions: unknown, needed: string): boolean {
  const [scope, level] = needed.split(':').map((s) => s.trim()) as [string, keyof typeof LEVEL];
  if (permissions === 'write-all' || permissions === undefined) return true;
  if (permissions === 'read-all') return level === 'read';
  if (typeof permissions !== 'object' || permissions === null) return false;
  const given = (permissions as Record<string, string>)[scope] as keyof typeof LEVEL | undefined;
  return LEVEL[given ?? 'none'] >= LEVEL[level];
}

/** The REST calls since request index `from` that `permissions` would not allow, as "METHOD path (needs x: y)". */
export function callsBeyond(gh: Emulator, from: number, permissions: unknown): string[] {
  const out: string[] = [];
  for (const r of gh.requests.slice(from)) {
    if (!r.operationId) continue; // artifact service and blob calls use the runtime token, not GITHUB_TOKEN
    const needed = permissionFor(r.method, `${gh.url}${r.path}`) ?? 'metadata: read';
    if (needed !== 'metadata: read' && !grants(permissions, needed)) out.push(`${r.method} ${r.path} (needs ${needed})`);
  }
  return out;
}
