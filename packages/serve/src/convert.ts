/**
 * scikit-learn → ONNX at load time (skl2onnx in a Python child, once per model: cached by the hash of the model's
 * files), proven by a parity check before it serves: the candidate runs in onnxruntime-node, in-process, through the
 * same OnnxPredictor that will serve it, on the model's input example plus rows generated around it (or from the
 * signature), and must give sklearn's own predictions (labels equal; values within 1e-6 relative for float64,
 * 1e-4 for float32). A model that does not convert or does not match is served by the Python worker instead, and
 * the reason is kept (and cached, so a restart does not retry).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { silentLogger, type Logger } from '@mlci/core';
import { OnnxPredictor, type ConvertedOnnx } from './onnx';
import { parseInvocation } from './request';
import { enforceSignature } from './signature';
import type { Batch, ModelInfo } from './types';
import { WORKER_PY } from './worker-source';

/** Bumped when the conversion or its parity rule changes, so old cache entries are not reused. */
const CONVERTER_ID = 'mlci-skl2onnx-1';
/** Rows generated around the input example for the parity check. */
const GENERATED_ROWS = 64;

export interface ConvertOptions {
  /** Python with scikit-learn and skl2onnx. @default $MLCI_PYTHON, else python3 */
  python?: string;
  /** Where conversions are kept, one directory per model hash. @default $MLCI_ONNX_CACHE, else ~/.cache/mlci/onnx */
  cacheDir?: string;
  /** Longest the conversion may take. @default 120000 */
  timeoutMs?: number;
  logger?: Logger;
}

export type ConversionResult =
  | { ok: true; converted: ConvertedOnnx; key: string; cached: boolean; parity: Parity; dir: string }
  | { ok: false; reason: string; key: string; cached: boolean };

export interface Parity {
  /** Rows compared. */
  rows: number;
  /** Largest |onnx - sklearn| over numeric predictions (0 for labels, which must be equal). */
  maxAbsDiff: number;
  /** The candidate that passed, e.g. "matrix float64". */
  candidate: string;
}

interface Candidate {
  file: string;
  layout: 'matrix' | 'columns';
  dtype?: 'float64' | 'float32';
  inputs?: ConvertedOnnx['inputs'];
}

interface Report {
  fatal?: string;
  candidates?: Candidate[];
  errors?: string[];
  expected?: unknown[];
  classes?: unknown[] | null;
  nan?: 'accept' | 'reject';
  skl2onnx?: string;
}

export const defaultOnnxCache = () =>
  process.env.MLCI_ONNX_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mlci', 'onnx');

/** sha256 over the model directory's files (relative path and content), and the converter's id. */
export async function modelHash(dir: string): Promise<string> {
  const hash = createHash('sha256').update(CONVERTER_ID);
  const walk = async (sub: string): Promise<string[]> => {
    const out: string[] = [];
    for (const e of await readdir(sub, { withFileTypes: true })) {
      if (e.name === '__pycache__' || e.name === '.git') continue;
      const p = join(sub, e.name);
      if (e.isDirectory()) out.push(...(await walk(p)));
      else if (e.isFile()) out.push(p);
    }
    return out;
  };
  for (const file of (await walk(dir)).sort()) {
    hash.update(relative(dir, file)).update('\0');
    hash
      .update(
        createHash('sha256')
          .update(await readFile(file))
          .digest(),
      )
      .update('\0');
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * Converts an MLflow sklearn model to ONNX, or says why not. Never throws for a model that cannot convert:
 * the caller falls back to the Python worker with `reason`.
 */
export async function convertToOnnx(model: ModelInfo, options: ConvertOptions = {}): Promise<ConversionResult> {
  const logger = options.logger ?? silentLogger;
  const key = await modelHash(model.dir);
  const cacheRoot = options.cacheDir ?? defaultOnnxCache();
  const entry = join(cacheRoot, key);
  const cached = await readMeta(entry);
  if (cached) {
    if (!cached.ok) return { ok: false, reason: cached.reason, key, cached: true };
    return {
      ok: true,
      converted: { ...cached.converted, file: join(entry, 'model.onnx') },
      key,
      cached: true,
      parity: cached.parity,
      dir: entry,
    };
  }

  const sample = sampleOf(model);
  if (typeof sample === 'string') return { ok: false, reason: sample, key, cached: false };
  const work = await workDir(cacheRoot, logger);
  let keep = false;
  try {
    const report = await runConverter(model, sample, work, options);
    if (report.fatal) {
      // An environment problem (skl2onnx missing, model unloadable): not cached, the next start retries.
      return { ok: false, reason: `the converter could not run: ${report.fatal}`, key, cached: false };
    }
    const candidates = report.candidates ?? [];
    const tried: string[] = [...(report.errors ?? [])];
    for (const c of candidates) {
      const name = c.layout === 'matrix' ? `matrix ${c.dtype}` : 'per-column inputs';
      const converted: ConvertedOnnx = {
        file: join(work, c.file),
        layout: c.layout,
        ...(c.dtype ? { dtype: c.dtype } : {}),
        ...(c.inputs ? { inputs: c.inputs } : {}),
        columns: sample.batch.columns,
        classes: report.classes ?? null,
        nan: report.nan ?? 'reject',
      };
      const check = await parity(model, converted, sample.batch, report.expected ?? [], c.dtype === 'float32' ? 1e-4 : 1e-6);
      if (typeof check === 'string') {
        tried.push(`${name}: ${check}`);
        continue;
      }
      const parityResult = { ...check, candidate: name };
      await rename(converted.file, join(work, 'model.onnx'));
      const { file: _file, ...stored } = converted;
      await writeFile(
        join(work, 'meta.json'),
        JSON.stringify({ ok: true, converted: stored, parity: parityResult, skl2onnx: report.skl2onnx }),
      );
      for (const other of candidates) await rm(join(work, other.file), { force: true });
      const dir = await publish(work, entry, logger);
      keep = dir === work;
      return { ok: true, converted: { ...converted, file: join(dir, 'model.onnx') }, key, cached: false, parity: parityResult, dir };
    }
    const reason = candidates.length
      ? `no ONNX conversion matched scikit-learn's predictions (${tried.join('; ')})`
      : `skl2onnx could not convert the model (${distinct(tried) || 'no candidate'})`;
    for (const other of candidates) await rm(join(work, other.file), { force: true });
    await writeFile(join(work, 'meta.json'), JSON.stringify({ ok: false, reason, skl2onnx: report.skl2onnx }));
    const dir = await publish(work, entry, logger);
    keep = dir === work;
    return { ok: false, reason, key, cached: false };
  } finally {
    if (!keep) await rm(work, { recursive: true, force: true });
  }
}

/** "layout: error" lines, an error named once when every layout failed the same way. */
function distinct(tried: string[]): string {
  const messages = new Set(tried.map((t) => t.slice(t.indexOf(': ') + 2)));
  return messages.size === 1 ? [...messages][0] : tried.join('; ');
}

type Meta = { ok: true; converted: Omit<ConvertedOnnx, 'file'>; parity: Parity } | { ok: false; reason: string };

async function readMeta(entry: string): Promise<Meta | null> {
  try {
    return JSON.parse(await readFile(join(entry, 'meta.json'), 'utf8')) as Meta;
  } catch {
    return null;
  }
}

const ensureDir = async (dir: string) => (await mkdir(dir, { recursive: true }), dir);

/**
 * Where a conversion is built: inside the cache (so publishing it is one rename), else, when the cache cannot
 * be written (a read-only image layer, another user's directory), in the system temp directory: the model still
 * converts and serves, it is just not kept for the next start.
 */
async function workDir(cacheRoot: string, logger: Logger): Promise<string> {
  try {
    return await mkdtemp(join(await ensureDir(cacheRoot), '.convert-'));
  } catch (error) {
    logger.warn(`cannot write the ONNX cache ${cacheRoot} (${(error as Error).message}); converting in a temporary directory`);
    return mkdtemp(join(tmpdir(), 'mlci-convert-'));
  }
}

/** Moves a finished conversion into the cache (one rename: a reader sees all of it or nothing). Returns where it is. */
async function publish(work: string, entry: string, logger: Logger): Promise<string> {
  try {
    await rename(work, entry);
    return entry;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await readMeta(entry))) return entry; // another server converted it first
    logger.warn(`cannot cache the ONNX conversion in ${entry} (${(error as Error).message}); it is used from ${work} for this run`);
    return work;
  }
}

/** The rows the parity check compares on: the input example, plus rows generated around it (numeric columns). */
export function sampleOf(model: ModelInfo): { batch: Extract<Batch, { kind: 'table' }>; integerColumns: string[] } | string {
  const signature = model.signature;
  if (signature?.kind === 'tensors') return 'the model has a tensor signature (only column signatures are converted)';
  let base: Extract<Batch, { kind: 'table' }> | null = null;
  if (model.inputExample) {
    try {
      const b = enforceSignature(
        parseInvocation(Buffer.from(JSON.stringify(model.inputExample)), 'application/json', signature),
        signature,
      );
      if (b.kind === 'table' && b.rows.length) base = b;
    } catch {
      base = null;
    }
  }
  const specs = signature?.kind === 'columns' ? signature.columns : null;
  const numericTypes = new Set(['double', 'float', 'long', 'integer']);
  if (!base) {
    if (!specs) return 'no input example and no signature to check the conversion on';
    if (!specs.every((s) => numericTypes.has(s.type))) return 'no input example, and the signature has non-numeric columns to generate';
    base = { kind: 'table', columns: specs.map((s) => s.name), rows: [specs.map(() => 0)] };
  }
  const columns = base.columns;
  const typeOf = (c: string) => specs?.find((s) => s.name === c)?.type;
  const integerColumns = columns.filter((c, j) => {
    const t = typeOf(c);
    return t ? t === 'long' || t === 'integer' : base!.rows.every((r) => Number.isInteger(r[j]));
  });
  const numeric = columns.map((c, j) => (typeOf(c) ? numericTypes.has(typeOf(c)!) : base!.rows.every((r) => typeof r[j] === 'number')));
  let seed = 0x9e3779b9;
  const uniform = () => {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
    return ((seed >>> 0) % 1_000_000) / 1_000_000;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const rows = [...base.rows];
  for (let k = 0; k < GENERATED_ROWS; k++) {
    const from = base.rows[k % base.rows.length];
    rows.push(
      from.map((v, j) => {
        if (!numeric[j] || typeof v !== 'number') return v;
        const moved = v + normal() * Math.max(Math.abs(v) * 0.25, 0.5);
        return integerColumns.includes(columns[j]) ? Math.round(moved) : moved;
      }),
    );
  }
  return { batch: { kind: 'table', columns, rows }, integerColumns };
}

function runConverter(
  model: ModelInfo,
  sample: { batch: Extract<Batch, { kind: 'table' }>; integerColumns: string[] },
  outDir: string,
  options: ConvertOptions,
): Promise<Report> {
  const python = options.python ?? process.env.MLCI_PYTHON ?? 'python3';
  const logger = options.logger ?? silentLogger;
  return new Promise((resolve) => {
    const child = spawn(python, ['-c', WORKER_PY, model.dir, 'sklearn', '--convert', outDir], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1', OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.stdin.on('error', () => {});
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ fatal: `cannot start ${python}: ${error.message}` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      try {
        const report = JSON.parse(last) as Report;
        if (report.fatal) logger.debug(`[onnx convert] ${err.trim().split('\n').slice(-5).join(' | ')}`);
        resolve(report);
      } catch {
        resolve({ fatal: `the converter exited ${code ?? signal}: ${err.trim().split('\n').slice(-3).join(' | ') || 'no output'}` });
      }
    });
    child.stdin.end(JSON.stringify({ columns: sample.batch.columns, rows: sample.batch.rows, integer_columns: sample.integerColumns }));
  });
}

/** Runs the candidate through the serving path and compares with sklearn's predictions; a string says how it differs. */
async function parity(
  model: ModelInfo,
  converted: ConvertedOnnx,
  batch: Batch,
  expected: unknown[],
  tolerance: number,
): Promise<Omit<Parity, 'candidate'> | string> {
  const predictor = new OnnxPredictor(model, { converted });
  try {
    await predictor.start();
    const got = await predictor.predict(batch);
    if (got.length !== expected.length) return `${got.length} predictions for ${expected.length} rows`;
    let maxAbsDiff = 0;
    for (let i = 0; i < got.length; i++) {
      const [a, b] = [got[i], expected[i]];
      if (typeof a === 'number' && typeof b === 'number') {
        const diff = Math.abs(a - b);
        maxAbsDiff = Math.max(maxAbsDiff, diff);
        if (!(diff <= tolerance * Math.max(1, Math.abs(b)))) return `row ${i}: onnx ${a}, sklearn ${b}`;
      } else if (JSON.stringify(a) !== JSON.stringify(b)) return `row ${i}: onnx ${JSON.stringify(a)}, sklearn ${JSON.stringify(b)}`;
    }
    return { rows: got.length, maxAbsDiff };
  } catch (error) {
    return `onnxruntime: ${(error as Error).message.split('\n')[0]}`;
  } finally {
    await predictor.close();
  }
}
