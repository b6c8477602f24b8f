// dist/ freshness: rebuilds every bundle into a temp directory and compares it with the committed dist/, file by
// file and byte for byte (what test/build.test.ts asserts). ci.yml and the release script run it:
//
//   node scripts/check-dist.mjs        exit 0 when fresh; 1 listing the stale, missing and extra files
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
const namesUnder = (dir) =>
  existsSync(dir)
    ? listFiles(dir)
        .map((f) => relative(dir, f))
        .sort()
    : [];

/**
 * What differs between `dist` and a fresh build of the sources under `projectRoot`: `files` as `dist/NAME: why`
 * lines, or `buildFailure` (esbuild's report) when the sources do not build at all.
 */
export function distProblems(projectRoot = root, dist = join(projectRoot, 'dist')) {
  const fresh = mkdtempSync(join(tmpdir(), 'mlci-check-dist-'));
  try {
    try {
      execFileSync(process.execPath, [join(projectRoot, 'scripts/build.mjs'), '--out', fresh], {
        cwd: projectRoot,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (error) {
      // esbuild's own report names the file and line; its stack trace would only bury it.
      const report = String(error.stderr ?? error.message)
        .split('\n')
        .filter((l) => l.trim() && !/^\s+at /.test(l))
        .slice(0, 12)
        .join('\n');
      return { buildFailure: report, files: [] };
    }
    const built = namesUnder(fresh);
    const committed = new Set(namesUnder(dist));
    const problems = [];
    for (const name of built) {
      if (!committed.has(name)) problems.push(`dist/${name}: missing (the build makes it)`);
      else if (!readFileSync(join(fresh, name)).equals(readFileSync(join(dist, name))))
        problems.push(`dist/${name}: stale (differs from a build of the sources)`);
      committed.delete(name);
    }
    for (const name of committed) problems.push(`dist/${name}: extra (the build no longer makes it)`);
    return { buildFailure: null, files: problems };
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { buildFailure, files: problems } = distProblems();
  if (buildFailure) {
    console.error(
      `check-dist: the sources do not build (node scripts/build.mjs):\n${buildFailure}\n  hint: fix the error above, then run \`npm run build\` and commit dist/`,
    );
    process.exitCode = 1;
  } else if (problems.length) {
    console.error(
      `check-dist: dist/ is not what the sources build (${problems.length} file(s)):\n${problems.slice(0, 20).join('\n')}${problems.length > 20 ? `\n… and ${problems.length - 20} more` : ''}\n  hint: run \`npm run build\` and commit dist/`,
    );
    process.exitCode = 1;
  } else console.log('check-dist: dist/ matches a fresh build of the sources');
}
