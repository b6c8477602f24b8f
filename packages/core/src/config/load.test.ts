import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlciError } from '../errors';
import { loadConfig, splitCommand } from './load';

function write(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlci-config-'));
  const file = join(dir, 'mlci.yml');
  writeFileSync(file, text);
  return file;
}

async function errorOf(file: string): Promise<MlciError> {
  try {
    await loadConfig(file);
  } catch (error) {
    return error as MlciError;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('reads a full file and resolves paths against its directory', async () => {
    const file = write(`version: 1
project: iris
datasets:
  train:
    path: data/train.csv
    schema: schema.json
    reference: data/ref.csv
    target: species
train:
  command: python3 train.py --epochs "3 4"
metrics:
  accuracy: { direction: higher, threshold: 0.8 }
gates:
  - accuracy >= 0.8
model:
  name: iris-classifier
`);
    const config = await loadConfig(file);
    expect(config.datasets.train.path).toBe(join(config.root, 'data/train.csv'));
    expect(config.datasets.train.reference).toBe(join(config.root, 'data/ref.csv'));
    expect(config.train?.command).toEqual(['python3', 'train.py', '--epochs', '3 4']);
    expect(config.metrics.accuracy).toEqual({ direction: 'higher', threshold: 0.8 });
    expect(config.gates).toEqual(['accuracy >= 0.8']);
  });

  it('names the line and the property for an unknown key', async () => {
    const error = await errorOf(write('version: 1\ndatasets:\n  train:\n    path: a.csv\n    shema: s.json\n'));
    expect(error).toBeInstanceOf(MlciError);
    expect(error.message).toContain('datasets.train: unknown property "shema"');
    expect(error.location.line).toBe(5);
  });

  it('names the line of a wrong type', async () => {
    const error = await errorOf(write('version: 1\nmetrics:\n  accuracy:\n    threshold: high\n'));
    expect(error.message).toContain('metrics.accuracy.threshold');
    expect(error.location.line).toBe(4);
  });

  it('reports broken YAML with its line', async () => {
    const error = await errorOf(write('version: 1\ndatasets:\n  train: [a\n'));
    expect(error.message).toContain('not valid YAML');
    expect(error.location.line).toBeGreaterThanOrEqual(3);
  });

  it('refuses a YAML bomb and tags under the one YAML policy, naming the file', async () => {
    let bomb = 'version: 1\na: &a [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 10; i++)
      bomb += `${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(9)
        .fill(`*${'abcdefghij'[i - 1]}`)
        .join(', ')}]\n`;
    const file = write(bomb);
    const error = await errorOf(file);
    expect(error.message).toMatch(/aliases expand beyond the limit/);
    expect(error.location.file).toBe(file);
    const tagged = await errorOf(write('version: 1\nproject: !!binary aGVsbG8=\n'));
    expect(tagged.location.line).toBe(2);
  });

  it('names the model-name rule for a name the registry would refuse', async () => {
    const error = await errorOf(write('version: 1\nmodel:\n  name: my.model\n'));
    expect(error.message).toContain('model.name');
    expect(error.location.line).toBe(3);
    expect(error.hint).toMatch(/letters, digits, "-" and "_"/);
  });

  it('says a missing file is missing', async () => {
    const error = await errorOf('/nonexistent/mlci.yml');
    expect(error.message).toBe('file not found');
    expect(error.location.file).toBe('/nonexistent/mlci.yml');
  });
});

describe('splitCommand', () => {
  it('splits words and honours quotes without expanding anything', () => {
    expect(splitCommand(`python3 -c 'print("$HOME")' a\\ b "x y"`)).toEqual(['python3', '-c', 'print("$HOME")', 'a b', 'x y']);
  });
  it('rejects an unterminated quote', () => {
    expect(() => splitCommand('echo "abc')).toThrow(/unterminated/);
  });
});
