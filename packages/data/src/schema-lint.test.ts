import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import { lintTableSchema, validateTable } from './index';

const dir = mkdtempSync(join(tmpdir(), 'mlci-lint-'));
let counter = 0;
function file(content: string, ext = '.csv'): string {
  const path = join(dir, `f${counter++}${ext}`);
  writeFileSync(path, content);
  return path;
}

describe('schema keys mlci does not know', () => {
  it('warns for each, naming the file and where, with a did-you-mean when one is close', () => {
    const warnings = lintTableSchema(
      {
        fields: [
          { name: 'a', contraints: { required: true } },
          { name: 'b', type: 'date', format: '%d/%m/%Y', mlci: { mostlly: 0.9 } },
          { name: 'c', format: 'default', titel: 'C' },
        ],
        primarykey: 'a',
        foreignKeys: [],
        mlci: { minrows: 3 },
        $comment: 'fine',
      },
      's.json',
    );
    expect(warnings).toEqual([
      's.json: "primarykey" is not a key mlci knows (ignored); did you mean "primaryKey"?',
      's.json: "foreignKeys" is Table Schema but not checked by mlci (ignored)',
      's.json: mlci."minrows" is not a key mlci knows (ignored); did you mean "minRows"?',
      's.json: fields[0]."contraints" is not a key mlci knows (ignored); did you mean "constraints"?',
      's.json: fields[1]."format" is Table Schema but not checked by mlci (ignored)',
      's.json: fields[1].mlci."mostlly" is not a key mlci knows (ignored); did you mean "mostly"?',
      's.json: fields[2]."titel" is not a key mlci knows (ignored); did you mean "title"?',
    ]);
    expect(
      lintTableSchema(
        { fields: [{ name: 'a', type: 'integer', constraints: { minimum: 0 } }], missingValues: [''], primaryKey: [], mlci: {} },
        's.json',
      ),
    ).toEqual([]);
  });

  it('lists the warnings as table checks of the validation, which still passes', async () => {
    const schema = file(JSON.stringify({ fields: [{ name: 'a', requried: true }] }), '.json');
    const result = await validateTable(file('a\n1\n'), schema);
    expect(result.outcome).toBe('pass');
    expect(result.tableChecks).toContainEqual({
      check: 'schema',
      outcome: 'warn',
      message: `${schema}: fields[0]."requried" is not a key mlci knows (ignored); did you mean "constraints": {"required": …}?`,
    });
  });

  it('refuses a misspelt constraint with a did-you-mean hint', async () => {
    const schema = file(JSON.stringify({ fields: [{ name: 'a', constraints: { maximun: 3 } }] }), '.json');
    const error = (await validateTable(file('a\n1\n'), schema).catch((e) => e)) as MlciError;
    expect(error).toBeInstanceOf(MlciError);
    expect(error.message).toContain('fields[0].constraints.maximun is not a Table Schema constraint');
    expect(error.hint).toBe('did you mean "maximum"?');
  });
});

describe('row schema errors', () => {
  it('name the --row-schema file, or the Table Schema for mlci.rowSchema', async () => {
    const data = file('a\n1\n');
    const bad = { type: 'object', properties: { a: { type: 'no-such-type' } } };
    const schema = file(JSON.stringify({ fields: [{ name: 'a' }] }), '.json');
    const fromFlag = (await validateTable(data, schema, { rowSchema: bad, rowSchemaFile: 'rows.schema.json' }).catch(
      (e) => e,
    )) as MlciError;
    expect(fromFlag).toBeInstanceOf(MlciError);
    expect(fromFlag.location.file).toBe('rows.schema.json');
    const embedded = file(JSON.stringify({ fields: [{ name: 'a' }], mlci: { rowSchema: bad } }), '.json');
    const fromSchema = (await validateTable(data, embedded).catch((e) => e)) as MlciError;
    expect(fromSchema.location.file).toBe(embedded);
    expect(fromSchema.message).toContain('"mlci.rowSchema"');
  });
});
