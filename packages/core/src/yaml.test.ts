import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlciError } from './errors';
import { YAML_MAX_BYTES, parseYaml, parseYamlDocument, readYamlFile } from './yaml';

const refusal = (body: () => unknown): MlciError => {
  try {
    body();
  } catch (error) {
    expect(error).toBeInstanceOf(MlciError);
    return error as MlciError;
  }
  throw new Error('expected a refusal');
};

describe('the one YAML loader', () => {
  it('reads plain YAML and JSON, and places values by line', () => {
    const parsed = parseYamlDocument('a: 1\nlist:\n  - x\n  - {b: true}\n', 'f.yml');
    expect(parsed.value).toEqual({ a: 1, list: ['x', { b: true }] });
    expect(parsed.lineOf(['list', 1, 'b'])).toBe(4);
    expect(parseYaml('{"k": [1, 2]}', 'f.json')).toEqual({ k: [1, 2] });
    // A few anchors and aliases, as real configs use them, are fine.
    expect(parseYaml('base: &b {lr: 0.1}\nrun: *b\n', 'f.yml')).toEqual({ base: { lr: 0.1 }, run: { lr: 0.1 } });
  });

  it('refuses a billion-laughs document naming the file, quickly', () => {
    let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < 10; i++)
      text += `${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(9)
        .fill(`*${'abcdefghij'[i - 1]}`)
        .join(',')}]\n`;
    const started = performance.now();
    const error = refusal(() => parseYaml(text, 'bomb.yml'));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(error.message).toMatch(/aliases expand beyond the limit/);
    expect(error.location.file).toBe('bomb.yml');
    expect(error.hint).toBeTruthy();
  });

  it('refuses tags outside the core schema, with their line', () => {
    for (const [text, line] of [
      ['a: 1\nb: !!python/object:os.system ls\n', 2],
      ['x: !!binary aGVsbG8=\n', 1],
      ['x: !custom 3\n', 1],
      ['s: !!set {a, b}\n', 1],
    ] as const) {
      const error = refusal(() => parseYaml(text, 't.yml'));
      expect(error.message, text).toMatch(/not valid YAML/);
      expect(error.location.line, text).toBe(line);
    }
    expect(parseYaml('n: !!int "3"\ns: !!str 4\n', 't.yml')).toEqual({ n: 3, s: '4' });
  });

  it('refuses deep nesting, duplicate keys, several documents and oversized files without a crash', () => {
    // Refused by a linear pre-scan, before the recursive parser: 2M brackets (the 4 MiB cap) take milliseconds, not 35 s.
    const started = performance.now();
    const deep = refusal(() => parseYaml('a: 1\nb: ' + '['.repeat(2_000_000) + ']'.repeat(2_000_000), 'deep.yml'));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(deep).toMatchObject({ message: expect.stringMatching(/nested more than 256 levels/), location: { line: 2 } });
    expect(refusal(() => parseYaml('{'.repeat(300) + '}'.repeat(300), 'deep.yml')).message).toMatch(/nested more than/);
    // Brackets in quotes, comments and plain scalars are text, not nesting.
    const text = `q: "${'['.repeat(300)}"\ns: '${'{'.repeat(300)}'\n# ${'['.repeat(300)}\np: a[b]\nn: ${'['.repeat(200)}${']'.repeat(200)}\n`;
    expect(parseYaml(text, 'ok.yml')).toMatchObject({ q: '['.repeat(300), s: '{'.repeat(300), p: 'a[b]' });
    const dup = refusal(() => parseYaml('a: 1\nb: 2\na: 3\n', 'dup.yml'));
    expect(dup.location.line).toBe(3);
    expect(refusal(() => parseYaml('a: 1\n---\nb: 2\n', 'two.yml')).message).toMatch(/not valid YAML/);
    const big = refusal(() => parseYaml(`a: "${'x'.repeat(YAML_MAX_BYTES)}"\n`, 'big.yml'));
    expect(big.message).toMatch(/above the 4,194,304-byte limit/);
  });

  it('refuses an oversized file before reading it, and names a missing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlci-yaml-'));
    writeFileSync(join(dir, 'big.yml'), Buffer.alloc(YAML_MAX_BYTES + 1, 'a'));
    await expect(readYamlFile(join(dir, 'big.yml'))).rejects.toThrow(/byte limit/);
    await expect(readYamlFile(join(dir, 'none.yml'))).rejects.toMatchObject({
      message: 'file not found',
      location: { file: join(dir, 'none.yml') },
    });
  });
});
