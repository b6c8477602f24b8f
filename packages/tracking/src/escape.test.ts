import { mkdir, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectEscape } from './escape';

async function dir(files: Record<string, string>): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'mlci-escape-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(d, name), text);
  return d;
}

describe('detectEscape', () => {
  it('names the line that points MLflow elsewhere when no run reached mlci', async () => {
    const cwd = await dir({
      'train.py': 'import mlflow\n# mlflow.set_tracking_uri("x") in a comment\nmlflow.set_tracking_uri("sqlite:///mlflow.db")\n',
    });
    const found = await detectEscape({ command: ['python3', 'train.py'], cwd, startTime: Date.now(), sawRuns: false });
    expect(found?.lines).toEqual(['train.py:3: mlflow.set_tracking_uri("sqlite:///mlflow.db")']);
  });

  it('finds an MLFLOW_TRACKING_URI the script sets in its own environment', async () => {
    const cwd = await dir({ 't.py': 'import os\nos.environ["MLFLOW_TRACKING_URI"] = "file:./elsewhere"\n' });
    expect((await detectEscape({ command: ['python', 't.py'], cwd, startTime: Date.now(), sawRuns: false }))?.summary).toBe(
      't.py:2: os.environ["MLFLOW_TRACKING_URI"] = "file:./elsewhere"',
    );
  });

  it('is quiet when the script hands mlci its own URI back, or logged to mlci and wrote no store', async () => {
    const cwd = await dir({
      'a.py': 'mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])\n',
      'b.py': 'mlflow.set_tracking_uri("http://elsewhere:5000")\n',
    });
    expect(await detectEscape({ command: ['python3', 'a.py'], cwd, startTime: Date.now(), sawRuns: false })).toBeNull();
    expect(await detectEscape({ command: ['python3', 'b.py'], cwd, startTime: Date.now(), sawRuns: true })).toBeNull();
  });

  it('counts an mlruns/ directory or an MLflow SQLite file written during the run, not an older one or another database', async () => {
    const cwd = await dir({
      'mlflow.db': 'SQLite format 3\0...CREATE TABLE experiments (...)',
      'app.db': 'SQLite format 3\0CREATE TABLE users',
    });
    await mkdir(join(cwd, 'mlruns'));
    const start = Date.now();
    expect((await detectEscape({ command: ['python3', 'x.py'], cwd, startTime: start, sawRuns: true }))?.stores.sort()).toEqual([
      'mlflow.db',
      'mlruns/',
    ]);
    const old = new Date(start - 60_000);
    await utimes(join(cwd, 'mlflow.db'), old, old);
    await utimes(join(cwd, 'mlruns'), old, old);
    expect(await detectEscape({ command: ['python3', 'x.py'], cwd, startTime: start, sawRuns: true })).toBeNull();
  });
});
