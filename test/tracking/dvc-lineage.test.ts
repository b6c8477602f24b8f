/**
 * Dataset lineage next to the real DVC: mlci's md5 and `.dir` md5 equal what `dvc add` records, a file changed
 * after `dvc add` is recorded `modified` exactly where `dvc status` says so, and a DVC 2 `.dvc` (no
 * `hash: md5`) is read as md5-dos2unix, computed chunk for chunk as dvc-data computes it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DVC_CHUNK_SIZE, describeDirectory, hashFileForDvc } from '@mlci/store';
import { describeDataset } from '@mlci/tracking';

const dvcAvailable = spawnSync('dvc', ['--version'], { encoding: 'utf8' }).status === 0;
const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

function dvc(cwd: string, ...args: string[]): string {
  return execFileSync('dvc', args, { cwd, encoding: 'utf8', env: { ...process.env, DVC_NO_ANALYTICS: '1' }, timeout: 240_000 });
}

/** `dvc status --json`: each output DVC reports on, with its word for it ("modified", "not in cache"). */
function dvcStatus(cwd: string): Record<string, string> {
  const doc = JSON.parse(dvc(cwd, 'status', '--json') || '{}') as Record<string, Array<Record<string, Record<string, string>>>>;
  const out: Record<string, string> = {};
  for (const [file, changes] of Object.entries(doc))
    for (const c of changes) for (const [path, why] of Object.entries(c['changed outs'] ?? {})) out[path] = `${why} (${file})`;
  return out;
}

/** The md5 `dvc add` wrote into PATH.dvc (and its hash field). */
function recorded(cwd: string, path: string): { md5: string; hash: string | null } {
  const text = readFileSync(join(cwd, `${path}.dvc`), 'utf8');
  return { md5: /md5: (\S+)/.exec(text)![1], hash: /hash: (\S+)/.exec(text)?.[1] ?? null };
}

/** dvc-data's own md5-dos2unix of a file (what DVC 3 computes to check a DVC 2 .dvc). */
function dvcDataDos2unix(paths: string[]): string[] {
  const code = 'import sys\nfrom dvc_data.hashfile.hash import file_md5\nfor p in sys.argv[1:]: print(file_md5(p, name="md5-dos2unix"))';
  return execFileSync('python3', ['-c', code, ...paths], { encoding: 'utf8' })
    .trim()
    .split('\n');
}

/**
 * Writes what DVC 2 would have cached for each path (files under .dvc/cache/xx/…, a folder's `.dir` listing)
 * with dvc-data's own hashing (file_md5 md5-dos2unix, Tree.digest), and returns the md5 per path.
 */
function seedLegacyCache(repo: string, paths: string[]): Record<string, string> {
  const code = `
import os, shutil, sys
from dvc_data.hashfile.hash import file_md5
from dvc_data.hashfile.hash_info import HashInfo
from dvc_data.hashfile.tree import Tree
cache = os.path.join(sys.argv[1], '.dvc', 'cache')
def put(name, data=None, src=None):
    dest = os.path.join(cache, name[:2], name[2:])
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    if src: shutil.copyfile(src, dest)
    else: open(dest, 'wb').write(data)
for target in sys.argv[2:]:
    path = os.path.join(sys.argv[1], target)
    if os.path.isdir(path):
        tree = Tree()
        for top, _, files in os.walk(path):
            for f in files:
                p = os.path.join(top, f)
                m = file_md5(p, name='md5-dos2unix')
                put(m, src=p)
                tree.add(tuple(os.path.relpath(p, path).split(os.sep)), None, HashInfo('md5-dos2unix', m))
        tree.digest()
        put(tree.hash_info.value, data=tree.as_bytes())
        print(target, tree.hash_info.value)
    else:
        m = file_md5(path, name='md5-dos2unix')
        put(m, src=path)
        print(target, m)
`;
  const out = execFileSync('python3', ['-c', code, repo, ...paths], { encoding: 'utf8' });
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((line) => line.split(' ') as [string, string]),
  );
}

const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x0d, 0x0a, 0xff, 0xfe]);

describe.skipIf(!dvcAvailable)('DVC lineage against the real dvc CLI (scripts/setup.sh installs dvc)', () => {
  let repo: string;
  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'mlci-dvc-'));
    execFileSync('git', ['init', '-q'], { cwd: repo });
    dvc(repo, 'init', '-q');
    mkdirSync(join(repo, 'data', 'images', 'cats', 'tabby'), { recursive: true });
    mkdirSync(join(repo, 'data', 'images', 'a'), { recursive: true });
    writeFileSync(join(repo, 'data', 'plain.csv'), 'x,y\n1,2\n3,4\n');
    writeFileSync(join(repo, 'data', 'crlf.txt'), 'x,y\r\n1,2\r\n3,4\r\n');
    writeFileSync(join(repo, 'data', 'logo.png'), BINARY);
    // Names whose order differs between code points, UTF-16 and "/"-aware sorting, and that need escaping.
    const images: Record<string, Buffer | string> = {
      'a-b.txt': 'dash\n',
      'a/b.txt': 'slash\r\n',
      'a b "q".txt': 'space and quotes',
      'cats/tabby/1.png': BINARY,
      'cats/tabby/2.png': Buffer.concat([BINARY, Buffer.from('2')]),
      'cats/é.txt': 'accent\n',
      'cats/😀.txt': 'astral\n',
      'cats/\uff5e.txt': 'fullwidth tilde, sorted after the astral one in UTF-16 and before it by code point\n',
      'empty.txt': '',
    };
    for (const [name, body] of Object.entries(images)) writeFileSync(join(repo, 'data', 'images', name), body);
    for (const p of ['data/plain.csv', 'data/crlf.txt', 'data/logo.png', 'data/images']) dvc(repo, 'add', '-q', p);
    expect(dvcStatus(repo)).toEqual({});
  }, 240_000);

  it('computes the md5 dvc add records for a file, a CRLF text file and a binary file', async () => {
    for (const p of ['data/plain.csv', 'data/crlf.txt', 'data/logo.png']) {
      const dvcSays = recorded(repo, p);
      expect(dvcSays.hash).toBe('md5');
      const d = await describeDataset(p, repo);
      expect({ p, md5: d.dvcMd5, hash: d.dvcHash }).toEqual({ p, md5: dvcSays.md5, hash: 'md5' });
      expect(d.dvcMd5).toBe(md5(readFileSync(join(repo, p)))); // DVC 3: the raw bytes, CRLF kept
      expect(d.dvc).toEqual({ file: `${p}.dvc`, md5: dvcSays.md5, hash: 'md5', status: 'unchanged' });
      expect(d.warnings).toEqual([]);
    }
  });

  it('computes the .dir md5 dvc add records for a nested directory, with its per-file manifest', async () => {
    const dvcSays = recorded(repo, 'data/images');
    const d = await describeDataset('data/images', repo);
    expect(dvcSays.md5).toMatch(/\.dir$/);
    expect(d.dvcMd5).toBe(dvcSays.md5);
    expect(d.kind).toBe('directory');
    expect(d.files).toBe(9);
    expect(d.dvc?.status).toBe('unchanged');
    const manifest = JSON.parse(d.manifest!.toString('utf8'));
    const tabby = manifest.files.find((f: { relpath: string }) => f.relpath === 'cats/tabby/1.png');
    expect(tabby).toEqual({
      relpath: 'cats/tabby/1.png',
      size: BINARY.length,
      sha256: createHash('sha256').update(BINARY).digest('hex'),
      md5: md5(BINARY),
    });
    expect(createHash('sha256').update(d.manifest!).digest('hex')).toBe(d.sha256);
    // DVC's own .dir object lists the same md5s as mlci's manifest.
    const dirObject = JSON.parse(
      readFileSync(join(repo, '.dvc', 'cache', 'files', 'md5', dvcSays.md5.slice(0, 2), dvcSays.md5.slice(2)), 'utf8'),
    );
    expect(manifest.files.map((f: { relpath: string; md5: string }) => ({ md5: f.md5, relpath: f.relpath }))).toEqual(dirObject);
  });

  it('records a file changed after dvc add as modified, with a warning, where dvc status says modified', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'mlci-dvc-stale-'));
    execFileSync('cp', ['-a', `${repo}/.`, copy]);
    await appendFile(join(copy, 'data', 'plain.csv'), '5,6\n');
    await writeFile(join(copy, 'data', 'images', 'cats', 'é.txt'), 'changed\n');
    expect(dvcStatus(copy)).toEqual({
      'data/plain.csv': 'modified (data/plain.csv.dvc)',
      'data/images': 'modified (data/images.dvc)',
    });
    const file = await describeDataset('data/plain.csv', copy);
    expect(file.dvcMd5).toBe(md5('x,y\n1,2\n3,4\n5,6\n')); // the bytes read, never the stale .dvc value
    expect(file.dvc).toEqual({ file: 'data/plain.csv.dvc', md5: recorded(repo, 'data/plain.csv').md5, hash: 'md5', status: 'modified' });
    expect(file.warnings).toHaveLength(1);
    expect(file.warnings[0]).toContain('data/plain.csv changed since data/plain.csv.dvc was written');
    expect(file.warnings[0]).toContain('dvc add data/plain.csv');
    const dir = await describeDataset('data/images', copy);
    expect(dir.dvc?.status).toBe('modified');
    expect(dir.dvcMd5).not.toBe(recorded(repo, 'data/images').md5);
    // dvc add records the new version: then both agree again, on the same value.
    dvc(copy, 'add', '-q', 'data/plain.csv', 'data/images');
    expect(dvcStatus(copy)).toEqual({});
    expect((await describeDataset('data/images', copy)).dvcMd5).toBe(recorded(copy, 'data/images').md5);
    expect((await describeDataset('data/plain.csv', copy)).dvc?.status).toBe('unchanged');
  }, 240_000);

  it('labels a DVC 2 .dvc (no hash: md5) md5-dos2unix and computes it as DVC 3 checks it', async () => {
    const legacy = mkdtempSync(join(tmpdir(), 'mlci-dvc2-'));
    execFileSync('git', ['init', '-q'], { cwd: legacy });
    dvc(legacy, 'init', '-q');
    writeFileSync(join(legacy, 'crlf.txt'), 'a,b\r\n1,2\r\n');
    writeFileSync(join(legacy, 'logo.png'), BINARY);
    mkdirSync(join(legacy, 'shards', 'part'), { recursive: true });
    writeFileSync(join(legacy, 'shards', 'one.csv'), 'x\r\n1\r\n');
    writeFileSync(join(legacy, 'shards', 'part', 'two.bin'), BINARY);
    // What DVC 2 left: its cache (dvc-data's own md5-dos2unix and Tree) and .dvc files without a `hash:` field.
    const values = seedLegacyCache(legacy, ['crlf.txt', 'logo.png', 'shards']);
    expect(values['crlf.txt']).toBe(md5('a,b\n1,2\n')); // text: CRLF normalised
    expect(values['logo.png']).toBe(md5(BINARY)); // binary: not normalised
    for (const [p, value] of Object.entries(values)) writeFileSync(join(legacy, `${p}.dvc`), `outs:\n- md5: ${value}\n  path: ${p}\n`);
    expect(dvcStatus(legacy)).toEqual({}); // DVC 3 checks them as md5-dos2unix and finds them unchanged
    for (const [p, value] of Object.entries(values)) {
      const d = await describeDataset(p, legacy);
      expect({ p, md5: d.dvcMd5, hash: d.dvcHash, dvc: d.dvc }).toEqual({
        p,
        md5: value,
        hash: 'md5-dos2unix',
        dvc: { file: `${p}.dvc`, md5: value, hash: 'md5-dos2unix', status: 'unchanged' },
      });
    }
    // The kinds really differ here (one.csv has CRLF), so the label is not decoration.
    expect(values.shards).not.toBe((await describeDirectory(join(legacy, 'shards'))).md5);
    // A change that dos2unix hides (LF for CRLF) neither sees; a real one both see.
    writeFileSync(join(legacy, 'crlf.txt'), 'a,b\n1,2\n');
    expect(dvcStatus(legacy)).toEqual({});
    expect((await describeDataset('crlf.txt', legacy)).dvc?.status).toBe('unchanged');
    writeFileSync(join(legacy, 'crlf.txt'), 'a,b\n1,3\n');
    writeFileSync(join(legacy, 'shards', 'part', 'two.bin'), Buffer.concat([BINARY, BINARY]));
    expect(dvcStatus(legacy)).toEqual({ 'crlf.txt': 'modified (crlf.txt.dvc)', shards: 'modified (shards.dvc)' });
    expect((await describeDataset('crlf.txt', legacy)).dvc?.status).toBe('modified');
    const shards = await describeDataset('shards', legacy);
    expect(shards.dvc?.status).toBe('modified');
    expect(shards.warnings.join('\n')).toContain('DVC recorded md5-dos2unix');
  }, 240_000);

  it('applies the dos2unix rule per 1 MiB chunk exactly as dvc-data does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlci-dos2unix-'));
    const text = (n: number) => Buffer.from('row,value\r\n'.repeat(Math.ceil(n / 11)).slice(0, n));
    const files: Record<string, Buffer> = {
      // A CRLF pair split across the 1 MiB boundary: DVC leaves it (each chunk is normalised on its own).
      'split-pair.csv': Buffer.concat([Buffer.alloc(DVC_CHUNK_SIZE - 1, 0x61), Buffer.from('\r\nafter\r\n')]),
      // Text, then a chunk that starts binary: only the first chunk is normalised.
      'text-then-binary.dat': Buffer.concat([text(DVC_CHUNK_SIZE), Buffer.alloc(600, 0), text(5000)]),
      // Binary first, then a text chunk: the second chunk is normalised.
      'binary-then-text.dat': Buffer.concat([Buffer.alloc(DVC_CHUNK_SIZE, 0), text(3 * 1024 + 7)]),
      // 29 % and 31 % non-text bytes in the first 512: text and binary by DVC's 30 % rule.
      'latin1-29.txt': Buffer.concat([Buffer.alloc(148, 0xe9), text(364), text(2000)]),
      'latin1-31.txt': Buffer.concat([Buffer.alloc(159, 0xe9), text(353), text(2000)]),
      'empty.txt': Buffer.alloc(0),
      'only-cr.txt': Buffer.from('a\rb\r\r\n\n'),
    };
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
    const names = Object.keys(files);
    const expected = dvcDataDos2unix(names.map((n) => join(dir, n)));
    const ours = await Promise.all(
      names.map(async (n) => (await hashFileForDvc(join(dir, n), { dos2unix: true, size: files[n].length })).md5Dos2unix),
    );
    const streamed = await Promise.all(names.map(async (n) => (await hashFileForDvc(join(dir, n), { dos2unix: true })).md5Dos2unix));
    expect(Object.fromEntries(names.map((n, i) => [n, ours[i]]))).toEqual(Object.fromEntries(names.map((n, i) => [n, expected[i]])));
    expect(streamed).toEqual(expected);
    // The two rules really differ on these files (the test would pass for a naive whole-file rule otherwise).
    expect(expected[names.indexOf('split-pair.csv')]).not.toBe(md5(files['split-pair.csv'].toString('latin1').replaceAll('\r\n', '\n')));
  }, 240_000);
});
