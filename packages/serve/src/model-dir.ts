import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { MlciError, fileError, inputError, parseYaml } from '@mlci/core';
import { parseSignature } from './signature';
import type { ModelInfo, ModelLoader } from './types';

const LAYOUTS =
  'a model directory is one of: an MLflow model directory (MLmodel + model.pkl/model.skops), a directory with ' +
  'predict.py defining predict(records), or a directory holding one .onnx file (a path to the .onnx file works too)';

const LOADERS: ReadonlySet<string> = new Set(['sklearn', 'pyfunc', 'predict.py', 'onnx']);

/**
 * Finds out how to serve the model at `path` (a directory, or an .onnx file) without loading it:
 * which loader, its signature, input example and requirements. Order: predict.py wins (the user said how),
 * then MLmodel (onnx flavor -> onnx; sklearn flavor -> sklearn; python_function -> pyfunc), then a lone .onnx file.
 * `loader` forces one loader (it must fit the directory).
 */
export async function inspectModelDir(path: string, options: { loader?: string } = {}): Promise<ModelInfo> {
  const given = resolve(path);
  const st = await stat(given).catch(() => null);
  if (!st) throw inputError('no such model directory', { file: path, hint: LAYOUTS });
  if (options.loader && !LOADERS.has(options.loader))
    throw inputError(`unknown loader "${options.loader}"`, { hint: 'use one of sklearn, pyfunc, predict.py, onnx' });
  const dir = st.isDirectory() ? given : dirname(given);
  if (!st.isDirectory() && !given.endsWith('.onnx'))
    throw inputError('is a file, expected a model directory or an .onnx file', { file: path, hint: LAYOUTS });
  // An unreadable directory (permission denied, a file in the way) names the path instead of a stack trace.
  const names = await readdir(dir).catch((error) => {
    throw fileError(path, error);
  });
  const has = (name: string) => names.includes(name);

  const mlmodel = has('MLmodel') ? await readMlmodel(join(dir, 'MLmodel')) : null;
  const flavors = mlmodel ? Object.keys((mlmodel.flavors as Record<string, unknown>) ?? {}) : [];
  const onnxFiles = names.filter((n) => n.endsWith('.onnx'));
  const onnxFlavor = (mlmodel?.flavors as Record<string, Record<string, unknown>> | undefined)?.onnx;
  const onnxFile = !st.isDirectory()
    ? basename(given)
    : typeof onnxFlavor?.data === 'string'
      ? onnxFlavor.data
      : onnxFiles.length === 1
        ? onnxFiles[0]
        : undefined;

  const candidates: ModelLoader[] = [];
  if (has('predict.py')) candidates.push('predict.py');
  if (!st.isDirectory() || onnxFlavor) candidates.push('onnx');
  if (flavors.includes('sklearn')) candidates.push('sklearn');
  if (flavors.includes('python_function')) candidates.push('pyfunc');
  if (!mlmodel && onnxFile) candidates.push('onnx');
  const loader = options.loader ? (options.loader as ModelLoader) : candidates[0];
  if (!loader)
    throw inputError(`cannot tell how to serve this model${onnxFiles.length > 1 ? ` (${onnxFiles.length} .onnx files; name one)` : ''}`, {
      file: path,
      hint: LAYOUTS,
    });
  if (options.loader && !candidates.includes(loader) && !(loader === 'onnx' && onnxFile))
    throw inputError(`the ${loader} loader does not fit this directory (it fits: ${candidates.join(', ') || 'none'})`, {
      file: path,
      hint: LAYOUTS,
    });

  const signatureField = (mlmodel?.signature as Record<string, unknown> | undefined)?.inputs;
  const signature = parseSignature(signatureField, join(dir, 'MLmodel'));
  return {
    dir,
    loader,
    runtime: loader === 'onnx' ? 'onnx' : 'python',
    ...(loader === 'onnx' ? { onnxFile } : {}),
    flavors,
    signature,
    inputExample: await readInputExample(dir, names),
    requirements: has('requirements.txt') ? parseRequirements(await readText(join(dir, 'requirements.txt'))) : [],
    ...(typeof mlmodel?.mlflow_version === 'string' ? { mlflowVersion: mlmodel.mlflow_version } : {}),
  };
}

const readText = (file: string) =>
  readFile(file, 'utf8').catch((error) => {
    throw fileError(file, error);
  });

async function readMlmodel(file: string): Promise<Record<string, unknown>> {
  const text = await readText(file); // unreadable is not "invalid YAML"
  try {
    const parsed = parseYaml(text, file);
    if (!parsed || typeof parsed !== 'object') throw new Error('not a YAML mapping');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw inputError(`MLmodel is not valid YAML: ${(error as Error).message}`, {
      file,
      hint: 'MLflow writes this file; re-save the model with mlflow.<flavor>.save_model',
    });
  }
}

const BODY_KEYS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'];

/** The input example as an /invocations body: MLflow 2.9+ saves one ready (serving_input_example.json). */
async function readInputExample(dir: string, names: string[]): Promise<Record<string, unknown> | null> {
  const read = async (name: string) => (names.includes(name) ? JSON.parse(await readText(join(dir, name))) : undefined);
  try {
    const serving = await read('serving_input_example.json');
    if (serving && typeof serving === 'object' && BODY_KEYS.some((k) => k in serving)) return serving;
    const example = await read('input_example.json');
    if (example === undefined) return null;
    if (example && typeof example === 'object' && !Array.isArray(example)) {
      if (BODY_KEYS.some((k) => k in example)) return example;
      if (Array.isArray(example.data)) return { dataframe_split: example };
      return { dataframe_records: [example] };
    }
    if (Array.isArray(example))
      return example.every((r) => r && typeof r === 'object' && !Array.isArray(r)) ? { dataframe_records: example } : { inputs: example };
    return null;
  } catch (error) {
    if (error instanceof MlciError) throw error;
    throw inputError(`the input example is not valid JSON: ${(error as Error).message}`, { file: join(dir, 'input_example.json') });
  }
}

export function parseRequirements(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}
