/** A batch of model input after parsing a request: a table (named columns) or an array (tensor) input. */
export type Batch =
  | {
      kind: 'table';
      /** Column names, in the order of each row's values. */
      columns: string[];
      /** One array of values per row, aligned with `columns`. */
      rows: unknown[][];
    }
  | {
      kind: 'tensor';
      /** The array as the client sent it (`instances` / `inputs` holding arrays of numbers). */
      data: unknown[];
    };

/** One column of an MLflow column-based signature (MLmodel `signature.inputs`). */
export interface ColumnSpec {
  name: string;
  /** MLflow data type: double, float, long, integer, boolean, string, binary, datetime. */
  type: string;
  /** MLflow marks optional columns `required: false`. @default true */
  required: boolean;
}

/** One input of an MLflow tensor-based signature. */
export interface TensorSpec {
  name?: string;
  /** numpy dtype name, e.g. float32, float64, int64. */
  dtype: string;
  /** -1 marks a free dimension (usually the batch). */
  shape: number[];
}

/** A model's input signature as MLflow records it; `null` where the model has none. */
export type Signature = { kind: 'columns'; columns: ColumnSpec[] } | { kind: 'tensors'; tensors: TensorSpec[] };

/** How a model is run: in a Python worker the server manages, or in-process with onnxruntime-node. */
export type ModelLoader = 'sklearn' | 'pyfunc' | 'predict.py' | 'onnx';

/** What `inspectModelDir` finds in a model directory. JSON-serialisable. */
export interface ModelInfo {
  /** Absolute path of the model directory. */
  dir: string;
  /** The loader that will run the model (see packages/serve/README.md for the order they are tried in). */
  loader: ModelLoader;
  /** Where predictions run: a Python worker process, or onnxruntime-node inside the server. */
  runtime: 'python' | 'onnx';
  /** ONNX loader: the model file, relative to `dir`. */
  onnxFile?: string;
  /** MLmodel flavors, e.g. ['python_function', 'sklearn']; empty without an MLmodel file. */
  flavors: string[];
  /** The input signature from MLmodel, or null. */
  signature: Signature | null;
  /**
   * A ready `/invocations` JSON body built from the model's input example (serving_input_example.json,
   * else input_example.json), or null when the model has none.
   */
  inputExample: Record<string, unknown> | null;
  /** requirements.txt lines (no comments or blanks); empty when the directory has none. */
  requirements: string[];
  /** MLmodel `mlflow_version`, when present. */
  mlflowVersion?: string;
}

/** Why a prediction failed; each maps to an HTTP status in the server. */
export type PredictFailure =
  /** The model rejected the input (ValueError and kin): 400. */
  | 'bad_input'
  /** The model raised on valid input: 500. */
  | 'model'
  /** The worker took longer than the worker timeout and was restarted: 504. */
  | 'timeout'
  /** The worker died mid-request and is restarting: 503. */
  | 'crash'
  /** The queue is full or no worker became free in time: 503. */
  | 'busy'
  /** The predictor is stopping or cannot load the model: 503. */
  | 'unavailable';

export class PredictError extends Error {
  constructor(
    readonly reason: PredictFailure,
    message: string,
  ) {
    super(message);
    this.name = 'PredictError';
  }
}

/** Runs predictions for one model. */
export interface Predictor {
  /** Loads the model; resolves once it can predict. Rejects (MlciError) when the model cannot load at all. */
  start(): Promise<PredictorInfo>;
  /** True while a prediction sent now would be served (for /ping). */
  isReady(): boolean;
  /** Predictions, one per input row (or per first-axis element of a tensor). */
  predict(batch: Batch): Promise<unknown[]>;
  /** Stops the worker(s); pending predictions fail with 'unavailable'. */
  close(): Promise<void>;
  /** Counters for /metrics. */
  stats(): { restarts: number; queued: number; busy: number; workers: number };
}

export interface PredictorInfo {
  loader: ModelLoader;
  /** Class labels when the model is a classifier that says so (sklearn classes_); null otherwise. */
  classes: unknown[] | null;
  /** e.g. "python 3.11.7" or "onnxruntime-node 1.30.0". */
  runtime: string;
  /** Which path serves predictions: in-process onnxruntime-node, or Python worker processes (/health, /metrics). */
  path: 'onnx' | 'python';
  /** Why a model that could take the ONNX path did not (conversion or parity failed, no skl2onnx...). */
  fallback?: string;
  /** Python workers' CPU pins, one per worker (null: not pinned). */
  cpus?: Array<number | null>;
}
