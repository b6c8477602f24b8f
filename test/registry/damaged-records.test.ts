/**
 * The local registry's own files, damaged (issue #12 row 12): a version.json, a model card or an alias event that
 * is not what mlci wrote is an input error naming the file, never a model that silently drops out of the list;
 * and the promote workflow's event payload is checked before it is trusted.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalRegistry, listModels, promote, readWorkflowEvent } from '@mlci/registry';
import { freshProject, recordRun } from './fixtures';

async function withVersion() {
  const { dir, store } = await freshProject();
  const registry = new LocalRegistry({ store });
  const run = await recordRun(store, { content: 'damaged', accuracy: 0.9 });
  await promote({ registry, store, name: 'iris', run: run.id });
  const versionFile = join(registry.root, 'iris', 'versions', '0.1.0', 'version.json');
  const aliasFile = join(registry.root, 'iris', 'aliases', 'champion', '1.json');
  return { dir, store, registry, versionFile, aliasFile };
}

describe('local registry with damaged records', () => {
  it('refuses a version.json that is not JSON or has the wrong shape, naming it', async () => {
    const { registry, versionFile } = await withVersion();
    expect((await listModels(registry)).map((m) => m.name)).toEqual(['iris']);
    for (const [text, message] of [
      ['{"name": "iris", trunc', /version record is not JSON/],
      ['[]', /version record is malformed/],
      [
        '{"name": "iris", "version": "0.1.0", "tag": "iris@v0.1.0", "assets": [{"name": "card.json", "sha256": "../../etc/passwd", "size": 1}]}',
        /malformed/,
      ],
    ] as const) {
      writeFileSync(versionFile, text);
      await expect(registry.listModels()).rejects.toMatchObject({
        kind: 'input',
        message: expect.stringMatching(message),
        location: { file: versionFile },
      });
      await expect(registry.readAsset('iris', '0.1.0', 'card.json')).rejects.toMatchObject({
        kind: 'input',
        location: { file: versionFile },
      });
    }
  });

  it('refuses a model card blob that is not JSON', async () => {
    const { registry, store, versionFile } = await withVersion();
    const meta = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(versionFile, 'utf8')));
    const garbage = await store.putBlob({ bytes: 'not a card' });
    meta.assets = meta.assets.map((a: { name: string }) =>
      a.name === 'card.json' ? { ...a, sha256: garbage.sha256, size: garbage.size } : a,
    );
    writeFileSync(versionFile, JSON.stringify(meta));
    await expect(registry.listVersions('iris')).rejects.toMatchObject({
      kind: 'input',
      message: expect.stringContaining('model card'),
      location: { file: versionFile },
    });
  });

  it('refuses an alias event that is not JSON, naming it; a directory that is not a model name is not a model', async () => {
    const { registry, aliasFile } = await withVersion();
    mkdirSync(join(registry.root, 'not.a.model'), { recursive: true });
    expect(await registry.listModels()).toEqual(['iris']);
    writeFileSync(aliasFile, '{{{');
    await expect(registry.aliasHistory('iris', 'champion')).rejects.toMatchObject({
      kind: 'input',
      message: expect.stringContaining('alias event is not JSON'),
      location: { file: aliasFile },
    });
    await expect(listModels(registry)).rejects.toMatchObject({ location: { file: aliasFile } });
  });
});

describe('readWorkflowEvent', () => {
  it('reads an object payload and refuses garbage naming the file', async () => {
    const { dir } = await freshProject();
    const file = join(dir, 'event.json');
    expect(await readWorkflowEvent(undefined)).toEqual({});
    writeFileSync(file, JSON.stringify({ release: { tag_name: 'iris@v1.0.0' } }));
    expect(await readWorkflowEvent(file)).toEqual({ release: { tag_name: 'iris@v1.0.0' } });
    for (const text of ['\u0000garbage', '[1, 2]', '"a string"', 'null']) {
      writeFileSync(file, text);
      const error = await readWorkflowEvent(file).catch((e) => e);
      expect(error, text).toMatchObject({ kind: 'input', location: { file } });
      expect(error.hint).toContain('GITHUB_EVENT_PATH');
    }
    await expect(readWorkflowEvent(join(dir, 'missing.json'))).rejects.toMatchObject({ message: 'file not found' });
  });
});
