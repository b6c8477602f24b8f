import { EXIT, colour, numberFlag, parseFlags, sanitizeText, stderrLogger, usageError } from '@mlci/core';
import { projectResolvers, serveModel } from '@mlci/serve';
import { printJson, type Command } from '../command';

const usage = `
mlci serve: serve a model over HTTP with MLflow's scoring protocol

usage:
  mlci serve PATH|NAME@ALIAS|NAME@vX.Y.Z|RUN [--port N] [--host 127.0.0.1] [flags]

PATH is a model directory: an MLflow model (MLmodel + model.pkl/model.skops; sklearn runs in a Python worker,
other flavors through mlflow.pyfunc), a directory with predict.py defining predict(records) -> list, or a
directory with one .onnx file (run in-process by onnxruntime-node). NAME@ALIAS and NAME@vX.Y.Z come from the
registry (mlci models), RUN from the project's runs (its model/ artifacts).

endpoints: POST /invocations (JSON dataframe_split, dataframe_records, instances, inputs; text/csv),
           GET /ping, /health, /version, /metrics (Prometheus)

flags:
  --port N            port to listen on; 0 picks a free one (default 8080)
  --host H            interface (default 127.0.0.1; 0.0.0.0 inside a container)
  --workers N         Python worker processes, pinned one per core when 2 or more (default 1)
  --runtime R         where an sklearn model runs: auto (ONNX in-process when skl2onnx converts it and its
                      predictions match sklearn's on the input example, else Python), onnx, python (default auto)
  --loader L          force sklearn, pyfunc, predict.py or onnx
  --python PATH       Python interpreter for the worker (default $MLCI_PYTHON, else python3)
  --max-body BYTES    largest request body (default 10485760); larger ones get 413
  --timeout MS        longest one prediction may take before 504 and a worker restart (default 30000)
  --request-timeout MS  longest a client may take to send a request (default 30000)
  --headers-timeout MS  longest a client may take to send the request headers (default 10000)
  --keep-alive-timeout MS  how long an idle keep-alive connection stays open (default 5000)
  --idle-timeout MS   a connection with no traffic either way is closed (default: --timeout + 10000)
  --start-timeout MS  longest the model may take to load (default 120000)
  --project DIR       project whose .mlci/ holds runs and the local registry (default: current directory)
  --json              print {"url", "port", "loader", ...} on stdout once ready (logs stay on stderr)

The port is bound before the model loads (/ping answers 503 until it is ready): a port in use fails at once.
Stops gracefully on SIGTERM or SIGINT: in-flight requests finish, then the workers exit.
`;

const flags = {
  port: { type: 'string' },
  host: { type: 'string' },
  workers: { type: 'string' },
  runtime: { type: 'string' },
  loader: { type: 'string' },
  python: { type: 'string' },
  'max-body': { type: 'string' },
  timeout: { type: 'string' },
  'request-timeout': { type: 'string' },
  'headers-timeout': { type: 'string' },
  'keep-alive-timeout': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'start-timeout': { type: 'string' },
  project: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const command: Command = {
  summary: 'serve a model over HTTP (MLflow scoring protocol, /metrics)',
  usage,
  async run(args) {
    const { values, positionals } = parseFlags('serve', args, flags);
    if (positionals.length !== 1)
      throw usageError(
        `mlci serve takes one model (a directory, NAME@ALIAS or a run id), got ${positionals.length}`,
        'run `mlci serve --help`',
      );
    const projectDir = values.project ?? process.cwd();
    const runtime = values.runtime ?? 'auto';
    if (runtime !== 'auto' && runtime !== 'onnx' && runtime !== 'python')
      throw usageError(`--runtime takes auto, onnx or python, got ${JSON.stringify(runtime)}`, 'run `mlci serve --help`');
    const served = await serveModel(positionals[0], {
      host: values.host ?? '127.0.0.1',
      port: numberFlag('port', values.port, 8080, { min: 0, max: 65535 }),
      workers: numberFlag('workers', values.workers, 1, { min: 1, max: 32 }),
      loader: values.loader,
      runtime,
      python: values.python,
      maxBodyBytes: numberFlag('max-body', values['max-body'], 10 * 1024 * 1024, { min: 1 }),
      workerTimeoutMs: numberFlag('timeout', values.timeout, 30_000, { min: 1 }),
      requestTimeoutMs: numberFlag('request-timeout', values['request-timeout'], 30_000, { min: 1 }),
      headersTimeoutMs: numberFlag('headers-timeout', values['headers-timeout'], 10_000, { min: 1 }),
      keepAliveTimeoutMs: numberFlag('keep-alive-timeout', values['keep-alive-timeout'], 5000, { min: 1 }),
      idleTimeoutMs: values['idle-timeout'] === undefined ? undefined : numberFlag('idle-timeout', values['idle-timeout'], 0, { min: 1 }),
      startTimeoutMs: numberFlag('start-timeout', values['start-timeout'], 120_000, { min: 1 }),
      logger: stderrLogger,
      resolvers: projectResolvers(projectDir),
    });
    const { server, info, model } = served;
    const ready = {
      url: server.url,
      port: server.port,
      host: server.host,
      loader: info.loader,
      runtime: info.runtime,
      path: info.path,
      ...(info.fallback ? { fallback: info.fallback } : {}),
      model: model.dir,
      ref: served.resolved.ref,
      version: served.resolved.version ?? null,
    };
    if (values.json) printJson(ready);
    // The logger sanitizes what it prints (the ref is user text); the colour is added around it.
    process.stderr.write(
      `${colour.green('serving')} ${sanitizeText(`${served.resolved.ref} (${info.loader}, ${info.path} path, ${info.runtime}) at ${server.url}/invocations`)}\n`,
    );

    // Node as PID 1 in a container gets no default signal handling: stop gracefully ourselves.
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        stderrLogger.info(`${signal}: finishing in-flight requests, then stopping`);
        process.off('SIGTERM', onTerm).off('SIGINT', onInt);
        served.close().then(resolve, (error) => {
          stderrLogger.error(`error while stopping: ${(error as Error).message}`);
          resolve();
        });
      };
      const onTerm = () => stop('SIGTERM');
      const onInt = () => stop('SIGINT');
      process.on('SIGTERM', onTerm).on('SIGINT', onInt);
    });
    return EXIT.pass;
  },
};
