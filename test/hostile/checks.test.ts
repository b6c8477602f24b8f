/**
 * Hostile inputs for the checks (issue #12 rows 5, 10, 11, 12): mlci.yml, the gate language, drift inputs and the
 * local registry's records. Each case runs the real `mlci` and judges what a user sees (see harness.ts).
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshProject, recordRun } from '../registry/fixtures';
import { expectCleanRefusal, expectNoCrash, expectNoRunningRun, filesUnder, runMlci, storedRuns } from './harness';

const TRAIN_MARKER = 'trained.marker';

/** A project whose training command leaves a marker and a metrics file: proof of whether training ran. */
function project(mlciYml: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlci-hostile-checks-'));
  writeFileSync(join(dir, 'mlci.yml'), mlciYml);
  writeFileSync(join(dir, 'data.csv'), 'x,y\n1,a\n2,b\n3,a\n');
  writeFileSync(
    join(dir, 'train.js'),
    `require('fs').writeFileSync('${TRAIN_MARKER}', 'x'); require('fs').writeFileSync('metrics.json', JSON.stringify({ accuracy: 0.9, zero: 0 }));\n`,
  );
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const TRAIN = `train:\n  command: [node, train.js]\n  metrics: metrics.json\n`;

/** `mlci run` refused before any stage: exit 2, mlci.yml:LINE named, a hint, nothing trained, no run recorded. */
async function expectRefusedBeforeStages(dir: string, names: (string | RegExp)[]) {
  const started = performance.now();
  const run = await runMlci(['run'], { cwd: dir, ceilingMs: 60_000 });
  expectCleanRefusal(run, { exit: 2, names });
  expect(run.stderr, run.stderr).not.toMatch(/\[1\/\d+\]/); // no stage started
  expect(existsSync(join(dir, TRAIN_MARKER)), 'the training command ran').toBe(false);
  expect(await storedRuns(dir)).toEqual([]);
  await expectNoRunningRun(dir);
  return { run, ms: performance.now() - started };
}

// A billion-laughs document: nine levels of nine aliases each (9^9 strings if expanded).
function yamlBomb(): string {
  let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  const letters = 'abcdefghij';
  for (let i = 1; i < 10; i++)
    text += `${letters[i]}: &${letters[i]} [${Array(9)
      .fill(`*${letters[i - 1]}`)
      .join(',')}]\n`;
  return text;
}

describe('hostile checks: mlci.yml is checked before the first stage (row 5)', () => {
  it('row 5: a gate syntax error is refused at its mlci.yml line before training', async () => {
    const dir = project(`version: 1\n${TRAIN}gates:\n  - accuracy >= 0.5\n  - accuracy > \n`);
    await expectRefusedBeforeStages(dir, [/mlci\.yml:7: gates\.1: in assertion/, 'ends too early']);
  });

  it('row 5: model.name my.model is refused at its line before training, with the naming rule', async () => {
    const dir = project(`version: 1\n${TRAIN}model:\n  name: my.model\n`);
    await expectRefusedBeforeStages(dir, [/mlci\.yml:6: model\.name/, /letters, digits, "-" and "_"/]);
  });

  it('row 5: a bad alias, a bad drift setting and a missing schema and reference are all named, each with its line', async () => {
    const dir = project(
      `version: 1\ndatasets:\n  train:\n    path: data.csv\n    schema: missing-schema.json\n    reference: missing-ref.csv\n    drift:\n      driftshare: 0.5\n${TRAIN}model:\n  name: ok-model\n  alias: v2\n`,
    );
    const { run } = await expectRefusedBeforeStages(dir, [
      /mlci\.yml:5: datasets\.train\.schema: file "missing-schema\.json" does not exist/,
      /mlci\.yml:6: datasets\.train\.reference: file "missing-ref\.csv" does not exist/,
      /mlci\.yml:8: datasets\.train\.drift: driftshare: unknown drift setting "driftshare"/,
      /mlci\.yml:14: model\.alias: alias "v2" looks like a version/,
      '4 problems in mlci.yml; no stage has run',
    ]);
    expect(run.stderr).toMatch(/hint:/);
  });
});

describe('hostile checks: one YAML policy and bounded gate parsing (row 10)', () => {
  it('row 10: a YAML bomb is refused the same way as mlci.yml and as drift --config, naming the file', async () => {
    const dir = project(yamlBomb());
    const started = performance.now();
    const run = await runMlci(['run'], { cwd: dir, ceilingMs: 30_000 });
    expectCleanRefusal(run, { exit: 2, names: ['mlci.yml', 'aliases expand beyond the limit'] });
    expect(existsSync(join(dir, TRAIN_MARKER))).toBe(false);
    writeFileSync(join(dir, 'bomb.yml'), yamlBomb());
    const drift = await runMlci(['drift', 'data.csv', '--reference', 'data.csv', '--config', 'bomb.yml'], { cwd: dir, ceilingMs: 30_000 });
    expectCleanRefusal(drift, { exit: 2, names: ['bomb.yml', 'aliases expand beyond the limit'] });
    expect(performance.now() - started).toBeLessThan(30_000);
    // Tags that would build other types (or objects) are refused too, with the line.
    writeFileSync(join(dir, 'tagged.yml'), 'driftShare: 0.5\nignore: !!python/object:os.system [id]\n');
    const tagged = await runMlci(['drift', 'data.csv', '--reference', 'data.csv', '--config', 'tagged.yml'], { cwd: dir });
    expectCleanRefusal(tagged, { exit: 2, names: [/tagged\.yml:2: not valid YAML/] });
    // 4 MB of '[' (just under the size cap) is refused by the pre-scan at once, not after half a minute of parsing.
    writeFileSync(join(dir, 'mlci.yml'), 'version: 1\nproject: ' + '['.repeat(2_000_000) + ']'.repeat(2_000_000));
    const deepStart = performance.now();
    const deep = await runMlci(['run'], { cwd: dir, ceilingMs: 30_000 });
    expectCleanRefusal(deep, { exit: 2, names: [/mlci\.yml:2: not valid YAML: \[ \] \/ \{ \} nested more than 256 levels deep/] });
    expect(performance.now() - deepStart).toBeLessThan(10_000);
    // Over the size cap: refused before it is read.
    writeFileSync(join(dir, 'mlci.yml'), `version: 1\nproject: "${'x'.repeat(5 * 1024 * 1024)}"\n`);
    expectCleanRefusal(await runMlci(['run'], { cwd: dir }), { exit: 2, names: ['mlci.yml', 'above the 4,194,304-byte limit'] });
    expect(existsSync(join(dir, TRAIN_MARKER))).toBe(false);
  });

  it('row 10: 10k nested parentheses and a 100k-term `and` chain are usage errors, not stack overflows', async () => {
    const dir = project(`version: 1\n${TRAIN}`);
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ id: 'r1', name: 'n', metrics: { a: [{ step: 0, value: 1, timestamp: 1 }] } }));
    const deep = '('.repeat(10_000) + 'a' + ')'.repeat(10_000) + ' > 0';
    const gate = await runMlci(['gate', '--record', 'run.json', '--assert', deep], { cwd: dir, ceilingMs: 30_000 });
    expectCleanRefusal(gate, { exit: 2, names: ['assertion is 20,005 characters long, above the limit of 4,096'] });
    expect(gate.stderr.length).toBeLessThan(2_000); // the assertion is shown cut, not echoed whole
    const nested = '('.repeat(65) + 'a' + ')'.repeat(65) + ' > 0';
    expectCleanRefusal(await runMlci(['gate', '--record', 'run.json', '--assert', nested], { cwd: dir }), {
      exit: 2,
      names: ['nested more than 64 levels deep'],
    });
    // 100k terms do not fit in one argument (the OS's limit): through mlci.yml, refused before training.
    const chain = Array.from({ length: 100_000 }, () => 'a > 0').join(' and ');
    writeFileSync(join(dir, 'mlci.yml'), `version: 1\n${TRAIN}gates:\n  - "${chain}"\n`);
    await expectRefusedBeforeStages(dir, [/mlci\.yml:6: gates\.0: assertion is 999,995 characters long/]);
  });

  it('row 10: mlci gate --record with a string metric value names the file and the metric', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlci-hostile-record-'));
    writeFileSync(
      join(dir, 'run.json'),
      JSON.stringify({ id: 'r1', name: 'n', metrics: { accuracy: [{ step: 0, value: '0.9', timestamp: 1 }] } }),
    );
    const run = await runMlci(['gate', '--record', 'run.json', '--assert', 'accuracy > 0.5'], { cwd: dir });
    expectCleanRefusal(run, { exit: 2, names: ['run.json', 'metric "accuracy" point 0: value is the string "0.9", not a number'] });
    writeFileSync(join(dir, 'list.json'), '[1, 2]');
    expectCleanRefusal(await runMlci(['gate', '--record', 'list.json', '--assert', 'a > 0'], { cwd: dir }), {
      exit: 2,
      names: ['list.json', 'not a run record'],
    });
  });
});

describe('hostile checks: drift inputs that used to pass or say ok (row 11)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlci-hostile-drift-'));
  const rows = (header: string, n: number, row: (i: number) => string) =>
    `${header}\n${Array.from({ length: n }, (_, i) => row(i)).join('\n')}\n`;

  it('row 11: two files with no column in common are exit 2 listing both column sets', async () => {
    writeFileSync(
      join(dir, 'ref.csv'),
      rows('x,c', 50, (i) => `${i},a`),
    );
    writeFileSync(
      join(dir, 'other.csv'),
      rows('y,z', 50, (i) => `${i},b`),
    );
    const run = await runMlci(['drift', 'other.csv', '--reference', 'ref.csv'], { cwd: dir });
    expectCleanRefusal(run, {
      exit: 2,
      names: ['other.csv', 'no column in common with the reference ref.csv', 'reference columns: "x", "c"; current columns: "y", "z"'],
    });
    // A wide file's column list is cut, not printed whole.
    const wide = Array.from({ length: 5_000 }, (_, i) => `col${i}`);
    writeFileSync(join(dir, 'wide.csv'), `${wide.join(',')}\n${wide.map(() => '1').join(',')}\n`);
    const many = await runMlci(['drift', 'wide.csv', '--reference', 'ref.csv'], { cwd: dir });
    expectCleanRefusal(many, { exit: 2, names: ['and 4988 more'] });
    expect(many.stderr.length).toBeLessThan(2_000);
    // A damaged summary (the shape drift reads) is named too, not a crash.
    writeFileSync(
      join(dir, 'damaged.json'),
      JSON.stringify({ schema: 'mlci.table-summary/1', rows: 3, columns: { x: { kind: 'numeric' } } }),
    );
    expectCleanRefusal(await runMlci(['drift', 'damaged.json', '--reference', 'ref.csv'], { cwd: dir }), {
      exit: 2,
      names: ['damaged.json', 'summary is damaged'],
    });
  });

  it('row 11: an all-NaN current column and a constant reference column drift, each with its reason', async () => {
    writeFileSync(
      join(dir, 'ref2.csv'),
      rows('m,k,ok', 200, (i) => `${(i * 7) % 50},5,${i % 10}`),
    );
    writeFileSync(
      join(dir, 'cur2.csv'),
      rows('m,k,ok', 200, (i) => `NaN,${((i * 13) % 100) / 10},${i % 10}`),
    );
    const run = await runMlci(['drift', 'cur2.csv', '--reference', 'ref2.csv', '--json'], { cwd: dir });
    expectNoCrash(run);
    expect(run.exitCode, run.stderr).toBe(1);
    const result = JSON.parse(run.stdout);
    const col = (name: string) => result.columns.find((c: { column: string }) => c.column === name);
    expect(col('m')).toMatchObject({
      drifted: true,
      reason: expect.stringContaining('all values missing in current (200 NaN/infinite of 200 rows)'),
    });
    expect(col('k')).toMatchObject({ drifted: true, test: 'jensen_shannon', reason: expect.stringContaining('reference is constant (5)') });
    expect(col('k').jensenShannon).toBeGreaterThan(0.5);
    expect(col('ok').drifted).toBe(false);
    const text = await runMlci(['drift', 'cur2.csv', '--reference', 'ref2.csv'], { cwd: dir });
    expect(text.stdout).toContain('all values missing in current');
    expect(text.stdout).toContain('reference is constant (5)');
    // The same constant reference with a current that keeps the constant is not drift.
    writeFileSync(
      join(dir, 'same.csv'),
      rows('m,k,ok', 200, (i) => `${(i * 7) % 50},5,${i % 10}`),
    );
    const same = JSON.parse((await runMlci(['drift', 'same.csv', '--reference', 'ref2.csv', '--json'], { cwd: dir })).stdout);
    expect(same.columns.find((c: { column: string }) => c.column === 'k')).toMatchObject({ drifted: false, jensenShannon: 0 });
  });
});

describe('hostile checks: NaN in gates and damaged registry records (row 12)', () => {
  it('row 12: not (zero/zero < 1) fails with a NaN note instead of passing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlci-hostile-nan-'));
    writeFileSync(
      join(dir, 'run.json'),
      JSON.stringify({
        id: 'r1',
        name: 'n',
        metrics: { zero: [{ step: 0, value: 0, timestamp: 1 }], 'train/loss': [{ step: 0, value: 0.4, timestamp: 1 }] },
      }),
    );
    const run = await runMlci(['gate', '--record', 'run.json', '--assert', 'not (zero/zero < 1)', '--assert', 'train/loss < 1'], {
      cwd: dir,
    });
    expectNoCrash(run);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stdout).toContain('FAIL  not (zero/zero < 1)');
    expect(run.stdout).toContain('note: zero/zero is NaN (0/0)');
    expect(run.stdout).toContain('pass  train/loss < 1');
    const json = JSON.parse(
      (await runMlci(['gate', '--record', 'run.json', '--assert', 'not (zero / zero < 1)', '--json'], { cwd: dir })).stdout,
    );
    expect(json.assertions[0]).toMatchObject({ passed: false, notes: expect.arrayContaining(['zero / zero is NaN (0/0)']) });
  });

  /** A project with iris@v0.1.0 registered for real (local registry) and champion pointing at it. */
  async function registered(): Promise<string> {
    const { dir, store } = await freshProject();
    const run = await recordRun(store, { content: 'hostile', accuracy: 0.9 });
    const promoted = await runMlci(['models', 'promote', 'iris', '--run', run.id, '--project', dir], { cwd: dir });
    expect(promoted.exitCode, promoted.stderr).toBe(0);
    return dir;
  }

  it('row 12: a version.json that is not JSON makes models list exit 2 naming it (the model never silently disappears)', async () => {
    const dir = await registered();
    const file = join(dir, '.mlci', 'registry', 'iris', 'versions', '0.1.0', 'version.json');
    writeFileSync(file, '{"schema": 1, "name": "iris", garbage');
    const before = await filesUnder(dir);
    for (const args of [
      ['models', 'list'],
      ['models', 'list', 'iris'],
      ['models', 'show', 'iris@champion'],
    ]) {
      const run = await runMlci([...args, '--project', dir], { cwd: dir });
      expectCleanRefusal(run, { exit: 2, names: [file, 'version record is not JSON'] });
      expect(run.stdout).not.toContain('no registered models');
    }
    // Valid JSON of the wrong shape is refused the same way.
    writeFileSync(file, '{"schema": 1, "name": "iris", "assets": "none"}');
    expectCleanRefusal(await runMlci(['models', 'list', '--project', dir], { cwd: dir }), {
      exit: 2,
      names: [file, 'version record is malformed'],
    });
    expect(await filesUnder(dir)).toEqual(before);
  });

  it('row 12: a garbage alias event file is exit 2 naming the file, no stack trace', async () => {
    const dir = await registered();
    const file = join(dir, '.mlci', 'registry', 'iris', 'aliases', 'champion', '1.json');
    writeFileSync(file, '\u0000\u0001 not json at all');
    for (const args of [
      ['models', 'list'],
      ['models', 'show', 'iris@champion'],
      ['models', 'rollback', 'iris'],
    ]) {
      const run = await runMlci([...args, '--project', dir], { cwd: dir });
      expectCleanRefusal(run, { exit: 2, names: [file, 'alias event is not JSON'] });
    }
    writeFileSync(file, '{"schema": 1, "seq": "one"}');
    expectCleanRefusal(await runMlci(['models', 'list', '--project', dir], { cwd: dir }), {
      exit: 2,
      names: [file, 'alias event is malformed'],
    });
  });
});
