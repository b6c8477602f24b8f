/**
 * A local Debian bookworm base image for the image tests and the image-size benchmark: no image registry is
 * reachable here, so `python:3.11-slim-bookworm` cannot be pulled. debootstrap (minbase) from the host's Debian
 * mirror, then python3, python3-pip and python3-venv installed in a chroot, so a build really runs
 * `pip install -r requirements.txt` as it would on the pinned python:slim base. The host's node is put at
 * /usr/local/bin/node, so the same image stands in for NODE_IMAGE too.
 *
 * Making it takes a minute or two; the root filesystem tarball is cached under os.tmpdir() keyed by a hash of
 * the recipe (this file's steps, mirror, packages, node binary, CA bundle), so later runs only `docker import` it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DEBIAN_BASE_TAG = 'mlci-test/debian-python:bookworm';
const SUITE = 'bookworm';
const PACKAGES = ['python3', 'python3-pip', 'python3-venv'];
/** Bump when the steps below change in a way the other key parts do not capture. */
const RECIPE_VERSION = 1;
/** The host's CA bundle: HTTPS from inside a build (pip to PyPI) may pass a TLS-intercepting proxy only the host trusts. */
const HOST_CA = '/etc/ssl/certs/ca-certificates.crt';
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export type DebianBase = { ok: true; tar: string; cached: boolean; seconds: number; mirror: string } | { ok: false; reason: string };

/** The Debian mirror apt already uses on this host (one-line sources.list or deb822 .sources), not the security archive. */
export function debianMirror(): string | null {
  const files = [
    '/etc/apt/sources.list',
    ...(existsSync('/etc/apt/sources.list.d') ? readdirSync('/etc/apt/sources.list.d').map((f) => join('/etc/apt/sources.list.d', f)) : []),
  ];
  for (const file of files.filter((f) => /\.(list|sources)$/.test(f) && existsSync(f))) {
    const text = readFileSync(file, 'utf8');
    const uris = [...text.matchAll(/^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/gm), ...text.matchAll(/^URIs:\s*(.+)$/gim)].flatMap((m) =>
      m[1].trim().split(/\s+/),
    );
    const debian = uris.find((u) => /^https?:\/\/.*\/debian\/?$/.test(u));
    if (debian) return debian.replace(/\/$/, '');
  }
  return null;
}

const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

function sh(cmd: string, args: string[], timeoutMs = 900_000): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' },
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
  return { ok: r.status === 0, out };
}

/** Why debootstrap cannot run here, or null when it can. */
function cannotDebootstrap(): string | null {
  if (process.platform !== 'linux') return `debootstrap needs Linux, this is ${process.platform}`;
  if (process.getuid?.() !== 0) return 'debootstrap and chroot need root';
  if (!sh('debootstrap', ['--version'], 15_000).ok)
    return 'no debootstrap on PATH (scripts/setup.sh installs it: apt-get install debootstrap)';
  return null;
}

/** Makes (or finds cached) the base's root filesystem tarball. Never throws: a failure comes back with its reason. */
export function makeDebianBase(): DebianBase {
  const started = Date.now();
  const mirror = debianMirror();
  if (!mirror) return { ok: false, reason: 'no Debian mirror in /etc/apt/sources.list or /etc/apt/sources.list.d/' };
  const node = realpathSync(process.execPath);
  const ca = existsSync(HOST_CA) ? readFileSync(HOST_CA) : null;
  const key = sha(
    JSON.stringify({ RECIPE_VERSION, SUITE, PACKAGES, mirror, node: sha(readFileSync(node)), ca: ca ? sha(ca) : null }),
  ).slice(0, 16);
  const tar = join(tmpdir(), `mlci-debian-base-${key}.tar`);
  if (existsSync(tar) && statSync(tar).size > 0) return { ok: true, tar, cached: true, seconds: (Date.now() - started) / 1000, mirror };
  const why = cannotDebootstrap();
  if (why) return { ok: false, reason: why };

  const work = mkdtempSync(join(tmpdir(), 'mlci-debootstrap-'));
  const root = join(work, 'rootfs');
  const fail = (step: string, out: string): DebianBase => ({
    ok: false,
    reason: `${step} failed: ${out.trim().split('\n').slice(-4).join(' | ')}`,
  });
  try {
    let r = sh('debootstrap', ['--variant=minbase', SUITE, root, mirror]);
    if (!r.ok) return fail(`debootstrap --variant=minbase ${SUITE} from ${mirror}`, r.out);
    copyFileSync('/etc/resolv.conf', join(root, 'etc/resolv.conf')); // apt in the chroot resolves the mirror's name
    r = sh('chroot', [root, 'apt-get', 'update', '-qq']);
    if (!r.ok) return fail('apt-get update in the chroot', r.out);
    r = sh('chroot', [root, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...PACKAGES]);
    if (!r.ok) return fail(`apt-get install ${PACKAGES.join(' ')} in the chroot`, r.out);
    sh('chroot', [root, 'apt-get', 'clean']);
    // What python:slim leaves out too: apt lists, docs, man pages.
    for (const d of ['var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/info']) {
      rmSync(join(root, d), { recursive: true, force: true });
      mkdirSync(join(root, d), { recursive: true });
    }
    rmSync(join(root, 'etc/resolv.conf'), { force: true }); // the engine provides its own
    mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
    copyFileSync(node, join(root, 'usr/local/bin/node'));
    chmodSync(join(root, 'usr/local/bin/node'), 0o755);
    if (ca) copyFileSync(HOST_CA, join(root, 'etc/ssl/certs/ca-certificates.crt'));
    const partial = `${tar}.partial-${process.pid}`;
    r = sh('tar', ['-C', root, '--numeric-owner', '-cf', partial, '.']);
    if (!r.ok) {
      rmSync(partial, { force: true });
      return fail('tar of the root filesystem', r.out);
    }
    renameSync(partial, tar); // atomic: a concurrent run sees a whole tarball or none
    return { ok: true, tar, cached: false, seconds: (Date.now() - started) / 1000, mirror };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `docker import`s the tarball as DEBIAN_BASE_TAG, with the environment python:slim sets (and the host CA for pip). */
export function importDebianBase(base: Extract<DebianBase, { ok: true }>, env: Record<string, string>, tag = DEBIAN_BASE_TAG): string {
  const changes = [`ENV PATH=${PATH}`, 'ENV LANG=C.UTF-8', `ENV PIP_CERT=${HOST_CA}`, `ENV SSL_CERT_FILE=${HOST_CA}`, 'CMD ["python3"]'];
  const r = spawnSync('docker', ['import', ...changes.flatMap((c) => ['--change', c]), base.tar, tag], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`docker import ${base.tar} failed: ${r.stderr || r.error}`);
  return tag;
}
