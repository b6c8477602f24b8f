/**
 * The smallest honest local base for the Node-only (ONNX) serving image: FROM scratch plus the host's node binary
 * and exactly the shared libraries `ldd` lists for it and for onnxruntime-node's Linux binaries (glibc, libstdc++,
 * libgcc_s, the loader), an empty /tmp, and PATH. No shell, no package manager, no Python: a distroless-like
 * stand-in for a pinned `node:20-bookworm-slim` (about 200 MB), which no registry here can serve. Built in a
 * second or two; used by test/serve/image-onnx.test.ts and bench/serve/image-size.ts.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const NODE_BASE_TAG = 'mlci-test/node-scratch:local';

/** Absolute library paths `ldd` names for these binaries (the loader included), deduplicated. */
function lddLibraries(binaries: string[]): string[] {
  const libs = new Set<string>();
  for (const bin of binaries) {
    const r = spawnSync('ldd', [bin], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ldd ${bin} failed: ${r.stderr}`);
    for (const line of r.stdout.split('\n')) {
      const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
      if (m && !m[1].includes('onnxruntime-node')) libs.add(m[1]);
    }
  }
  return [...libs].sort();
}

/** Makes and `docker import`s the base; the reason when it cannot (not Linux x64/arm64, no ldd, no onnxruntime-node). */
export function nodeBase(env: Record<string, string>, repoRoot: string): { tag: string; libs: string[] } | { tag: null; reason: string } {
  if (process.platform !== 'linux') return { tag: null, reason: `a scratch node base needs Linux, this is ${process.platform}` };
  let ortBin: string;
  try {
    const pkg = dirname(dirname(createRequire(join(repoRoot, 'package.json')).resolve('onnxruntime-node')));
    ortBin = join(pkg, 'bin/napi-v6/linux', process.arch);
    if (!existsSync(ortBin)) return { tag: null, reason: `onnxruntime-node has no linux/${process.arch} binaries` };
  } catch {
    return { tag: null, reason: 'onnxruntime-node is not installed' };
  }
  const node = realpathSync(process.execPath);
  const work = mkdtempSync(join(tmpdir(), 'mlci-node-base-'));
  const root = join(work, 'rootfs');
  try {
    const libs = lddLibraries([node, join(ortBin, 'libonnxruntime.so.1'), join(ortBin, 'onnxruntime_binding.node')]);
    for (const lib of libs) {
      mkdirSync(join(root, dirname(lib)), { recursive: true });
      copyFileSync(realpathSync(lib), join(root, lib)); // the file itself, at the path the loader looks for
    }
    mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
    copyFileSync(node, join(root, 'usr/local/bin/node'));
    chmodSync(join(root, 'usr/local/bin/node'), 0o755);
    mkdirSync(join(root, 'tmp'));
    chmodSync(join(root, 'tmp'), 0o1777);
    const tar = join(work, 'rootfs.tar');
    const t = spawnSync('tar', ['-C', root, '--numeric-owner', '--owner=0', '--group=0', '-cf', tar, '.'], { encoding: 'utf8' });
    if (t.status !== 0) return { tag: null, reason: `tar failed: ${t.stderr}` };
    const r = spawnSync(
      'docker',
      ['import', '--change', 'ENV PATH=/usr/local/bin:/usr/bin:/bin', '--change', 'CMD ["node"]', tar, NODE_BASE_TAG],
      { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 },
    );
    if (r.status !== 0) return { tag: null, reason: `docker import failed: ${r.stderr || r.error}` };
    return { tag: NODE_BASE_TAG, libs };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
