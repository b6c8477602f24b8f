/**
 * mlci.yml's static checks before the first stage (issue #12 row 5): each problem names mlci.yml and its line, all
 * are listed at once, and files are required only for the stages that will run.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import { loadConfig } from '@mlci/core/config';
import { preflight } from '../../packages/pipeline/src/preflight';

async function check(text: string, files: string[] = [], stages?: Parameters<typeof preflight>[2]): Promise<MlciError | null> {
  const dir = mkdtempSync(join(tmpdir(), 'mlci-preflight-'));
  for (const f of files) writeFileSync(join(dir, f), 'x\n');
  mkdirSync(join(dir, 'adir'));
  writeFileSync(join(dir, 'mlci.yml'), text);
  const config = await loadConfig(join(dir, 'mlci.yml'));
  try {
    await preflight(config, 'mlci.yml', stages);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(MlciError);
    return error as MlciError;
  }
}

describe('preflight', () => {
  it('passes a sound file and the iris example', async () => {
    expect(
      await check(
        'version: 1\ndatasets:\n  d:\n    path: a.csv\n    schema: s.json\ngates: ["accuracy >= 0.8", "not (rising(val_loss, 3))"]\nmodel: { name: iris_v2, alias: champion }\n',
        ['a.csv', 's.json'],
      ),
    ).toBeNull();
    const iris = await loadConfig(join(__dirname, '../../examples/iris/mlci.yml'));
    await expect(preflight(iris, 'mlci.yml')).resolves.toBeUndefined();
  });

  it('names the line of a gate syntax error, of a model name and of a drift setting', async () => {
    const gate = await check('version: 1\ngates:\n  - accuracy >= 0.8\n  - "val_loss < < 1"\n');
    expect(gate).toMatchObject({ kind: 'input', location: { file: 'mlci.yml', line: 4 } });
    expect(gate!.message).toMatch(/^gates\.1: in assertion `val_loss < < 1`: unexpected "<"/);
    expect(gate!.hint).toContain('mlci gate --help');
    // A dot is refused by the schema already (the registry's rule), with the rule as the hint.
    const dir = mkdtempSync(join(tmpdir(), 'mlci-preflight-'));
    writeFileSync(join(dir, 'mlci.yml'), 'version: 1\nmodel:\n  name: my.model\n');
    const dotted = await loadConfig(join(dir, 'mlci.yml')).catch((e) => e);
    expect(dotted).toMatchObject({ kind: 'input', location: { line: 3 } });
    expect(dotted.hint).toMatch(/letters, digits, "-" and "_"/);
    const alias = await check('version: 1\nmodel:\n  name: ok\n  alias: latest\n');
    expect(alias).toMatchObject({ location: { line: 4 }, message: expect.stringContaining('model.alias: "latest" is reserved') });
    const drift = await check('version: 1\ndatasets:\n  d:\n    path: a.csv\n    drift:\n      columns:\n        x: { test: magic }\n', [
      'a.csv',
    ]);
    expect(drift).toMatchObject({
      location: { line: 7 },
      message: expect.stringContaining('datasets.d.drift: columns.x.test must be one of'),
    });
  });

  it('lists every problem, and checks files only for the stages that run', async () => {
    const text =
      'version: 1\ndatasets:\n  d:\n    path: gone.csv\n    schema: adir\n    reference: ref.csv\ntrain:\n  command: [node, x.js]\n  params: nope.yaml\ngates: ["a >"]\n';
    const all = await check(text);
    expect(all!.message.split('\n').filter((l) => /mlci\.yml:\d+:/.test(l))).toHaveLength(4);
    expect(all!.message).toMatch(/mlci\.yml:5: datasets\.d\.schema: "adir" is a directory/);
    expect(all!.message).toMatch(/mlci\.yml:6: datasets\.d\.reference: file "ref\.csv" does not exist/);
    expect(all!.message).toMatch(/mlci\.yml:9: train\.params: file "nope\.yaml" does not exist/);
    expect(all!.message).toMatch(/5 problems in mlci\.yml; no stage has run/);
    expect(all!.location.line).toBe(10); // the gate, checked first
    // Only training selected: the data files are not its business, the gate syntax and params still are.
    const trainOnly = await check(text, [], ['train']);
    expect(trainOnly!.message).toMatch(/2 problems in mlci\.yml/);
    expect(await check('version: 1\ndatasets:\n  d:\n    path: gone.csv\n    reference: ref.csv\n', [], ['train'])).toBeNull();
    // A training program that cannot start is known before any stage too; a relative path is read from mlci.yml's directory.
    const missing = await check('version: 1\ntrain:\n  command: [no-such-program-mlci, train.py]\n');
    expect(missing).toMatchObject({
      location: { line: 3 },
      message: expect.stringContaining('train.command: program "no-such-program-mlci" is not found on PATH'),
    });
    expect((await check('version: 1\ntrain:\n  command: ./run.sh\n', ['run.sh']))!.message).toContain(
      'program "./run.sh" is not an executable file (relative to',
    );
    expect(await check('version: 1\ntrain:\n  command: [node, x.js]\n')).toBeNull();
  });
});
