/**
 * Serving image size: build-serve-image's images for the iris-like scikit-learn model (test/serve/make_iris_like.py)
 * next to MLflow's for the same model, with the ratio. The Node-only ONNX image (the default for a model that
 * converts with parity) is built on the smallest honest local base, FROM scratch + node + its ldd libraries
 * (test/serve/node-base.ts, standing in for a pinned node image), and on the Debian base too; the Python image
 * (runtime python, the fallback) on the Debian base. Not part of `npm test`.
 *
 *   node scripts/build.mjs --out /tmp/dist-bench
 *   MLCI_DIST=/tmp/dist-bench npx tsx bench/serve/image-size.ts
 *
 * No image registry is reachable where mlci is developed, so `mlflow models build-docker` (FROM python:X-slim
 * from Docker Hub) is tried and, when it cannot pull, reported as such. MLflow's own Dockerfile
 * (`mlflow models generate-dockerfile`, the one build-docker builds) is then built on the SAME local Debian base
 * as mlci's (test/serve/debian-base.ts), with the two shims Debian's Python needs, so the comparison is of what
 * each Dockerfile adds. The documented sizes are printed as the reference too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildServeImage } from '../../packages/serve/src/image/build';
import { localBase, startEngine } from '../../test/serve/container-engine';
import { nodeBase } from '../../test/serve/node-base';

const root = resolve(import.meta.dirname, '../..');
const dist = process.env.MLCI_DIST ? resolve(process.env.MLCI_DIST) : join(root, 'dist');
const MB = (bytes: number) => Math.round(bytes / 1e6);

const found = await startEngine();
if (!found.engine) {
  console.error(`cannot measure image sizes: no container engine (${found.reason})`);
  process.exit(2);
}
const engine = found.engine;
const env = { ...process.env, ...engine.env } as Record<string, string>;
const docker = (args: string[], timeoutMs = 1_800_000) =>
  spawnSync('docker', args, { env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
const sizeOf = (image: string) => Number(docker(['image', 'inspect', '--format', '{{.Size}}', image]).stdout.trim());
const work = mkdtempSync(join(tmpdir(), 'mlci-bench-image-'));

interface Row {
  name: string;
  /** The base image it was built on, and that base's size. */
  base: string;
  baseBytes: number;
  bytes: number | null;
  seconds: number | null;
  note: string;
}
const rows: Row[] = [];
try {
  const base = localBase(engine.env);
  if (base.tag === null) throw new Error(`no local Debian base: ${base.reason}`);
  const baseBytes = sizeOf(base.tag);
  console.error(`base ${base.tag}: ${MB(baseBytes)} MB (${base.made})`);
  const scratch = nodeBase(engine.env, root);
  if (scratch.tag === null) throw new Error(`no scratch node base: ${scratch.reason}`);
  const scratchBytes = sizeOf(scratch.tag);
  console.error(`base ${scratch.tag}: ${MB(scratchBytes)} MB (FROM scratch: node ${process.version} + ${scratch.libs.join(' ')})`);
  execFileSync('python3', [join(root, 'test/serve/make_iris_like.py'), work], { stdio: ['ignore', 'ignore', 'inherit'] });
  const model = join(work, 'model');

  // mlci: the generated context, built and smoke-tested (in the container, /health checked) by the library the action runs.
  const mlciImage = async (label: string, runtime: 'auto' | 'python', nodeImage: string, nodeBytes: number, baseName: string) => {
    const started = Date.now();
    const built = await buildServeImage({
      model,
      image: `bench/mlci-iris-${label}`,
      modelVersion: 'bench',
      serverDist: dist,
      contextDir: join(work, `mlci-context-${label}`),
      builder: 'docker',
      runtime,
      buildArgs: { NODE_IMAGE: nodeImage, PYTHON_IMAGE: base.tag },
      smokeRequests: 20,
      env,
      logger: { info: (m) => console.error(m.split('\n')[0]), warn: console.error, error: console.error, debug: () => {} },
    });
    const seconds = (Date.now() - started) / 1000;
    console.error(`mlci ${label} image built and smoke-tested in ${seconds.toFixed(0)} s`);
    const ort = built.runtime.onnxRuntime;
    rows.push({
      name: `mlci build-serve-image, ${built.runtime.path === 'onnx' ? 'Node-only ONNX image (runtime auto)' : 'Python image (runtime python)'}`,
      base: baseName,
      baseBytes: built.runtime.path === 'onnx' ? nodeBytes : baseBytes,
      bytes: sizeOf(built.tags[0]),
      seconds,
      note:
        `smoke-tested in the container: ${JSON.stringify(built.smoke.predictions)}, /health path ${String(built.smoke.health?.path)}; ` +
        (built.runtime.path === 'onnx'
          ? `onnxruntime-node ${ort?.version} linux/${ort?.arch} only (pruned ${ort?.pruned.join(', ')})`
          : `pip installs ${built.context.requirements.join(' ')}`),
    });
  };
  await mlciImage('onnx-scratch', 'auto', scratch.tag, scratchBytes, `${scratch.tag} (scratch + node + ldd libs)`);
  await mlciImage('onnx-debian', 'auto', base.tag, baseBytes, `${base.tag} (Debian)`);
  await mlciImage('python', 'python', base.tag, baseBytes, `${base.tag} (Debian)`);

  // mlflow models build-docker as a user runs it: it needs its python:X-slim base from Docker Hub.
  console.error('mlflow models build-docker …');
  let started = Date.now();
  const direct = spawnSync('mlflow', ['models', 'build-docker', '-m', model, '-n', 'bench/mlflow-build-docker'], {
    env,
    encoding: 'utf8',
    timeout: 1_800_000,
  });
  const directBytes = direct.status === 0 ? sizeOf('bench/mlflow-build-docker') : null;
  // MLflow's own INFO lines (e.g. "flavor_backend_registry") are not the cause.
  const lines = `${direct.stdout}${direct.stderr}`
    .trim()
    .split('\n')
    .filter((l) => !/\bINFO\b|Downloading artifacts/.test(l));
  // The base-image pull is the usual cause here; name it rather than MLflow's generic "Docker build failed".
  const directWhy =
    lines.find((l) => /pull|manifest|registry|dial tcp|lookup|unauthorized/i.test(l)) ??
    lines.filter((l) => /error/i.test(l)).pop() ??
    `exit ${direct.status}`;
  rows.push({
    name: 'mlflow models build-docker',
    base: direct.status === 0 ? 'its python:X-slim from Docker Hub' : '—',
    baseBytes: 0,
    bytes: directBytes,
    seconds: direct.status === 0 ? (Date.now() - started) / 1000 : null,
    note: direct.status === 0 ? 'built as a user would' : `could not build here: ${directWhy.slice(0, 200)}`,
  });

  // The same Dockerfile, on the same base as mlci's. Debian's Python is python3 only and PEP 668-managed.
  const gen = join(work, 'mlflow-context');
  execFileSync('mlflow', ['models', 'generate-dockerfile', '-m', model, '-d', gen], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const original = readFileSync(join(gen, 'Dockerfile'), 'utf8');
  const from = /^FROM (\S+)/m.exec(original)?.[1] ?? '?';
  writeFileSync(
    join(gen, 'Dockerfile'),
    original.replace(/^FROM \S+/m, `FROM ${base.tag}\nENV PIP_BREAK_SYSTEM_PACKAGES=1\nRUN ln -s /usr/bin/python3 /usr/local/bin/python`),
  );
  started = Date.now();
  const built = docker(['build', '-q', '-t', 'bench/mlflow-iris', gen]);
  if (built.status !== 0) throw new Error(`building MLflow's Dockerfile failed: ${built.stderr.slice(-2000)}`);
  const seconds = (Date.now() - started) / 1000;
  // Check it serves, so a broken build is not measured as a small one.
  const run = docker(['run', '-d', '-p', '127.0.0.1::8080', 'bench/mlflow-iris'], 60_000);
  const id = run.stdout.trim();
  const port = /:(\d+)\s*$/m.exec(docker(['port', id, '8080']).stdout)?.[1];
  let answer = 'no answer';
  const body = readFileSync(join(model, 'serving_input_example.json'), 'utf8');
  for (const deadline = Date.now() + 300_000; port && Date.now() < deadline; await new Promise((r) => setTimeout(r, 1000))) {
    const res = await fetch(`http://127.0.0.1:${port}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    }).catch(() => null);
    if (res?.status === 200) {
      answer = await res.text();
      break;
    }
  }
  docker(['rm', '-f', id]);
  rows.push({
    name: `mlflow generate-dockerfile (FROM ${from} swapped for the Debian base)`,
    base: `${base.tag} (Debian)`,
    baseBytes,
    bytes: sizeOf('bench/mlflow-iris'),
    seconds,
    note: `served: ${answer.slice(0, 80)}`,
  });

  const mlflowBytes = rows.at(-1)!.bytes!;
  console.log(
    `\nbases: ${base.tag}, ${MB(baseBytes)} MB (debootstrap minbase bookworm + python3, pip, venv + node ${process.version}); ` +
      `${scratch.tag}, ${MB(scratchBytes)} MB (FROM scratch + node ${process.version} + ${scratch.libs.length} libraries ldd lists for node and onnxruntime-node)\n`,
  );
  console.log(
    '| image | base | size MB | over its base MB | build s | ÷ MLflow generated | note |\n| --- | --- | ---: | ---: | ---: | ---: | --- |',
  );
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.base} | ${r.bytes === null ? '—' : MB(r.bytes)} | ${r.bytes === null || !r.baseBytes ? '—' : MB(r.bytes - r.baseBytes)} | ${r.seconds === null ? '—' : r.seconds.toFixed(0)} | ${r.bytes === null ? '—' : `1/${(mlflowBytes / r.bytes).toFixed(1)}`} | ${r.note.replace(/\|/g, '/')} |`,
    );
  const onnxBytes = rows[0].bytes!;
  // Documented figures for mlflow models build-docker on a small scikit-learn model (mlflow/mlflow#2426, #5927, PR #10954).
  for (const [label, gb] of [
    ['documented, MLflow < 2.11 (ubuntu + virtualenv/conda, Java)', 3.0],
    ['documented, PR #10954 "few MB of scikit-learn model becomes > 3.7GB"', 3.7],
  ] as const)
    console.log(
      `| mlflow models build-docker, ${label} | — | ${gb * 1000} | — | — | — | reference, not measured here (mlci's Node-only image is 1/${((gb * 1e9) / onnxBytes).toFixed(0)} of it) |`,
    );
  console.log(
    '| mlflow models build-docker, documented MLflow ≥ 2.11 (python-slim base) | — | < 1000 | — | — | — | reference ("less than 1GB", mlflow/mlflow#2426) |',
  );
  console.log(
    `\nmlci's Node-only image (${MB(onnxBytes)} MB) is 1/${(mlflowBytes / onnxBytes).toFixed(1)} of MLflow's generated Dockerfile image (${MB(mlflowBytes)} MB); goal ≤ 1/5.`,
  );
} finally {
  await engine.stop();
  rmSync(work, { recursive: true, force: true });
}
