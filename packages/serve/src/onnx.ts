import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MlciError } from '@mlci/core';
import { typedColumns } from './columns';
import { HttpError } from './http-error';
import { PredictError, type Batch, type ModelInfo, type Predictor, type PredictorInfo } from './types';

/** The package is optional (its binary is 290 MB): loaded only when an ONNX model is served. */
const ORT_PACKAGE = 'onnxruntime-node';

export interface OnnxPredictorOptions {
  /** Inference threads per call (onnxruntime intraOpNumThreads). @default 1: requests already run side by side */
  threads?: number;
  /** A scikit-learn model converted by skl2onnx (convert.ts): its file and how its inputs are laid out. */
  converted?: ConvertedOnnx;
}

/** What convertToOnnx found: the .onnx file and the input layout skl2onnx was given. */
export interface ConvertedOnnx {
  /** Absolute path of the converted model. */
  file: string;
  /** matrix: one [N, width] input in `columns` order; columns: one [N, 1] input per column. */
  layout: 'matrix' | 'columns';
  /** The matrix input's element type. */
  dtype?: 'float64' | 'float32';
  /** The columns layout: each input's name (the column) and element type. */
  inputs?: Array<{ name: string; dtype: 'float32' | 'int64' | 'string' }>;
  /** The columns the model was fitted on, in its order. */
  columns: string[];
  /** sklearn classes_, for /metrics. */
  classes: unknown[] | null;
  /** reject: the sklearn model raised on NaN input, so the ONNX path answers 400 for it as sklearn would. */
  nan: 'accept' | 'reject';
}

/** The slice of onnxruntime-node's API used here (typed locally: the package is optional). */
interface OrtTensor {
  data: unknown;
  dims: readonly number[];
}
interface Session {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata?: unknown;
  run(feeds: Record<string, OrtTensor>, fetches: string[]): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface Ort {
  InferenceSession: { create(path: string, options: Record<string, unknown>): Promise<Session> };
  Tensor: new (type: string, data: unknown, dims: number[]) => OrtTensor;
  env?: { versions?: { node?: string; common?: string } };
}

/** Loads onnxruntime-node, or says how to install it. Exported for tests that skip without it. */
export async function loadOnnxRuntime(): Promise<Ort> {
  try {
    // A variable specifier keeps the bundler from inlining the native module: it is resolved at run time.
    // First beside the server (its own node_modules), then the current project's.
    const name = ORT_PACKAGE;
    const mod = await import(name).catch(
      () => import(pathToFileURL(createRequire(join(process.cwd(), 'package.json')).resolve(name)).href),
    );
    return (mod.InferenceSession ? mod : mod.default) as Ort;
  } catch (error) {
    throw new MlciError(
      'input',
      `ONNX models need the ${ORT_PACKAGE} package, which is not installed here (${(error as Error).message.split('\n')[0]})`,
      {
        hint: `ONNXRUNTIME_NODE_INSTALL=skip npm install ${ORT_PACKAGE} (the CPU runtime ships inside the package; "skip" avoids its optional GPU download)`,
      },
    );
  }
}

/**
 * Runs an ONNX model in-process. Table input feeds either one 2-D input (columns in signature or request order)
 * or one input per column (named like the column). Only the first output is returned: sklearn-onnx classifiers
 * put labels there (probabilities second, as a map sequence onnxruntime-node cannot return).
 */
export class OnnxPredictor implements Predictor {
  private session: Session | null = null;
  private ort: Ort | null = null;
  private closing = false;
  private busy = 0;

  constructor(
    private readonly model: ModelInfo,
    private readonly options: OnnxPredictorOptions = {},
  ) {}

  async start(): Promise<PredictorInfo> {
    this.ort = await loadOnnxRuntime();
    const file = this.options.converted?.file ?? join(this.model.dir, this.model.onnxFile ?? 'model.onnx');
    try {
      this.session = await this.ort.InferenceSession.create(file, { intraOpNumThreads: this.options.threads ?? 1, interOpNumThreads: 1 });
    } catch (error) {
      throw new MlciError('input', `onnxruntime cannot load the model: ${(error as Error).message}`, { file });
    }
    const version = this.ort.env?.versions;
    const converted = this.options.converted;
    return {
      loader: converted ? this.model.loader : 'onnx',
      classes: converted?.classes ?? null,
      runtime: `onnxruntime-node ${version?.node ?? version?.common ?? ''}`.trim(),
      path: 'onnx',
    };
  }

  isReady(): boolean {
    return !!this.session && !this.closing;
  }

  async predict(batch: Batch): Promise<unknown[]> {
    if (!this.session || !this.ort || this.closing) throw new PredictError('unavailable', 'the ONNX session is not open');
    const feeds = this.options.converted ? this.convertedFeeds(batch, this.options.converted) : this.feeds(batch);
    this.busy++;
    try {
      const output = this.session.outputNames[0];
      const result = await this.session.run(feeds, [output]);
      return unflatten(result[output]);
    } catch (error) {
      if (error instanceof HttpError || error instanceof PredictError) throw error;
      throw new PredictError('bad_input', `onnxruntime rejected the input: ${(error as Error).message}`);
    } finally {
      this.busy--;
    }
  }

  stats() {
    return { restarts: 0, queued: 0, busy: this.busy, workers: this.session ? 1 : 0 };
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.session?.release();
    this.session = null;
  }

  /** Feeds for a converted sklearn model, from the batch's typed columns (no per-value checks left: the signature did them). */
  private convertedFeeds(batch: Batch, converted: ConvertedOnnx): Record<string, OrtTensor> {
    const ort = this.ort!;
    if (batch.kind === 'tensor') {
      // No signature and row arrays: rows in the fitted column order, as sklearn would take a bare array.
      const rows = batch.data;
      if (!rows.every((r) => Array.isArray(r) && r.length === converted.columns.length))
        throw new HttpError(400, `this model takes rows of ${converted.columns.length} values (${converted.columns.join(', ')})`);
      batch = { kind: 'table', columns: converted.columns, rows: rows as unknown[][] };
    }
    const typed = typedColumns(batch, this.model.signature);
    const byName = new Map(typed.map((c) => [c.name, c]));
    const n = batch.rows.length;
    const column = (name: string) => {
      const c = byName.get(name);
      if (!c) throw new HttpError(400, `missing column '${name}' (the model was fitted on: ${converted.columns.join(', ')})`);
      return c;
    };
    const numeric = (name: string) => {
      const c = column(name);
      if (c.kind !== 'number') {
        const bad = c.values.findIndex((v) => typeof v !== 'number' && v !== null);
        throw new HttpError(400, `column '${name}' row ${bad}: expected a number, got ${JSON.stringify(c.values[bad])}`);
      }
      if (c.hasNaN && converted.nan === 'reject')
        throw new PredictError(
          'bad_input',
          `ValueError: Input X contains NaN (column '${name}' row ${c.values.findIndex(Number.isNaN)}); this model does not accept missing values`,
        );
      return c.values;
    };
    if (converted.layout === 'matrix') {
      const width = converted.columns.length;
      const data = converted.dtype === 'float32' ? new Float32Array(n * width) : new Float64Array(n * width);
      converted.columns.forEach((name, j) => {
        const values = numeric(name);
        for (let i = 0; i < n; i++) data[i * width + j] = values[i];
      });
      return { input: new ort.Tensor(converted.dtype ?? 'float64', data, [n, width]) };
    }
    const feeds: Record<string, OrtTensor> = {};
    for (const input of converted.inputs ?? []) {
      if (input.dtype === 'string') {
        const c = column(input.name);
        const values =
          c.kind === 'number' ? Array.from(c.values, String) : c.values.map((v) => (v === null || v === undefined ? '' : String(v)));
        feeds[input.name] = new ort.Tensor('string', values, [n, 1]);
      } else if (input.dtype === 'int64') {
        const values = numeric(input.name);
        feeds[input.name] = new ort.Tensor(
          'int64',
          BigInt64Array.from(values, (v) => BigInt(Math.trunc(v))),
          [n, 1],
        );
      } else feeds[input.name] = new ort.Tensor('float32', Float32Array.from(numeric(input.name)), [n, 1]);
    }
    return feeds;
  }

  private feeds(batch: Batch): Record<string, OrtTensor> {
    const session = this.session!;
    const ort = this.ort!;
    // inputMetadata is an array of {name, type, shape} in onnxruntime-node 1.2x and later.
    const meta = Array.isArray(session.inputMetadata) ? (session.inputMetadata as Array<{ name: string; type?: string }>) : [];
    const typeOf = (name: string) => meta.find((m) => m.name === name)?.type ?? 'float32';
    const tensor = (type: string, values: unknown[], dims: number[], what: string) => {
      const bad = values.findIndex((v) => (type === 'string' ? typeof v !== 'string' : typeof v !== 'number' && typeof v !== 'boolean'));
      if (bad >= 0)
        throw new HttpError(400, `${what}: value ${bad} (flattened) is ${JSON.stringify(values[bad])}; the ONNX input is ${type}`);
      if (type === 'float32') return new ort.Tensor('float32', Float32Array.from(values as number[]), dims);
      if (type === 'float64') return new ort.Tensor('float64', Float64Array.from(values as number[]), dims);
      if (type === 'int64')
        return new ort.Tensor('int64', BigInt64Array.from((values as number[]).map((v) => BigInt(Math.trunc(v)))), dims);
      if (type === 'int32') return new ort.Tensor('int32', Int32Array.from(values as number[]), dims);
      if (type === 'string') return new ort.Tensor('string', values as string[], dims);
      throw new HttpError(400, `the ONNX input type ${type} is not supported by mlci serve`);
    };
    const names = session.inputNames;
    if (batch.kind === 'tensor') {
      const dims = shapeOf(batch.data);
      return { [names[0]]: tensor(typeOf(names[0]), (batch.data as unknown[]).flat(dims.length) as unknown[], dims, names[0]) };
    }
    const n = batch.rows.length;
    if (names.length > 1 || (names.length === 1 && batch.columns.length === 1 && batch.columns[0] === names[0])) {
      // One input per column (sklearn-onnx with per-column initial types).
      const feeds: Record<string, OrtTensor> = {};
      for (const name of names) {
        const c = batch.columns.indexOf(name);
        if (c < 0) throw new HttpError(400, `missing column '${name}' (the ONNX model's inputs are: ${names.join(', ')})`);
        feeds[name] = tensor(
          typeOf(name),
          batch.rows.map((r) => r[c]),
          [n, 1],
          `column '${name}'`,
        );
      }
      return feeds;
    }
    const width = batch.columns.length;
    return { [names[0]]: tensor(typeOf(names[0]), batch.rows.flat(), [n, width], names[0]) };
  }
}

function shapeOf(data: unknown[]): number[] {
  const dims = [data.length];
  for (let v: unknown = data[0]; Array.isArray(v); v = v[0]) dims.push(v.length);
  return dims;
}

/** An output tensor as nested lists; a [N, 1] output becomes a flat list of N values, as sklearn returns. */
function unflatten(t: { data: unknown; dims: readonly number[] }): unknown[] {
  const flat = Array.from(t.data as ArrayLike<unknown>, (v) => (typeof v === 'bigint' ? Number(v) : v));
  const dims = t.dims.length === 2 && t.dims[1] === 1 ? [t.dims[0]] : [...t.dims];
  const build = (offset: number, d: number): unknown[] => {
    if (d === dims.length - 1) return flat.slice(offset, offset + dims[d]);
    const step = dims.slice(d + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: dims[d] }, (_, i) => build(offset + i * step, d + 1));
  };
  return dims.length ? build(0, 0) : flat;
}
