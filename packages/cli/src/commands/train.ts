import { numberFlag, parseFlags, stderrLogger, usageError } from '@mlci/core';
import { prepareMlprojectEnv } from '@mlci/tracking';
import { loadMlproject, parseRunSelector, RecordedRunError, train } from '@mlci/tracking';
import { encodeRunRecord, projectStore } from '@mlci/store';
import { localMlflowRegistry } from '@mlci/registry';
import { findProjectDir } from '@mlci/tracking';
import { printJson, type Command } from '../command';

const usage = `
usage: mlci train [flags] -- COMMAND [ARGS...]
       mlci train --mlproject [DIR] [-e ENTRY] [-P key=value]... [--env-manager M] [flags]

Runs a training command from the project directory (the git root, or the current directory outside git),
records the run under .mlci/ there and exits with the command's exit code (128 + N when signal N
interrupted it: SIGINT, SIGTERM and SIGHUP are passed to the command's whole process group, a third one as
SIGKILL). The command runs as its own process group and ends with mlci: what it leaves running in the
background is stopped when it exits (start a process with setsid to keep it), and the group is killed even
when mlci itself is killed. Inputs are checked before the command starts; if mlci cannot capture what the
command wrote (a malformed metrics.json, a full disk), the run is recorded FAILED with the reason and mlci
exits 2.

Captured with no change to the script: MLflow calls (MLFLOW_TRACKING_URI points at mlci while it runs),
params.yaml and metrics.json (DVC style), JSON Lines appended to $MLCI_METRICS_FILE
({"key": "loss", "value": 0.3, "step": 1}), system metrics, git and data lineage.

flags:
  --data PATH                    an input dataset, a file or a folder (repeatable): hashed (SHA-256 and DVC
                                 md5 or .dir md5, from the bytes; a stale PATH.dvc is flagged) into lineage
  --artifact PATH                an output file or directory to store as run artifacts (repeatable)
  --snapshot                     also store each --data file (a folder: each of its files) by hash so
                                 \`mlci data get\` can restore it
  --name NAME                    run name
  --experiment NAME              experiment name (also given to the script as MLFLOW_EXPERIMENT_NAME)
  --select-run SELECTOR          which run the script opens is the run gates, comparisons and promotion use:
                                 first (default: the first top-level run), name=RUN_NAME or tag:KEY=VALUE;
                                 one that matches no run, or several, ends the run FAILED
  --params-file FILE             DVC-style params file (repeatable; default params.yaml when present)
  --metrics-file FILE            DVC-style metrics file (repeatable; default metrics.json when written)
  --system-metrics-interval S    seconds between system metric samples (default 10; 0 = off)
  --json                         print the run record as JSON on stdout; the command's stdout goes to stderr
  --mlproject [DIR]              run an MLflow Project entry point (DIR defaults to the project directory)
  -e, --entry-point NAME         MLproject entry point (default "main")
  -P, --param key=value          MLproject parameter (repeatable)
  --env-manager M                MLproject environment, as \`mlflow run\`: virtualenv (python_env.yaml with
                                 venv + pip), uv, conda (conda.yaml with conda/mamba) or local (the current
                                 environment); default: what the project names (uv for python_env.yaml when
                                 installed). Built once per spec hash, cached in ~/.cache/mlci/envs
                                 ($MLCI_ENV_DIR), and reused
`;

export const command: Command = {
  summary: 'run a training command and record params, metrics, artifacts and lineage',
  usage,
  async run(args) {
    const dashes = args.indexOf('--');
    const flagArgs = dashes < 0 ? args : args.slice(0, dashes);
    const argv = dashes < 0 ? [] : args.slice(dashes + 1);
    const { values, positionals } = parseFlags('train', flagArgs, {
      data: { type: 'string', multiple: true },
      artifact: { type: 'string', multiple: true },
      snapshot: { type: 'boolean' },
      name: { type: 'string' },
      experiment: { type: 'string' },
      'select-run': { type: 'string' },
      'params-file': { type: 'string', multiple: true },
      'metrics-file': { type: 'string', multiple: true },
      'system-metrics-interval': { type: 'string' },
      json: { type: 'boolean' },
      mlproject: { type: 'boolean' },
      'entry-point': { type: 'string', short: 'e' },
      param: { type: 'string', short: 'P', multiple: true },
      'env-manager': { type: 'string' },
    });
    let commandArgv = argv;
    let params: Record<string, string> = {};
    let tags: Record<string, string> = {};
    let cwd: string | undefined;
    let env: Record<string, string> = {};
    if (values.mlproject) {
      if (positionals.length > 1) throw usageError(`--mlproject takes one directory, got ${positionals.join(' ')}`);
      if (argv.length) throw usageError('give either --mlproject or a command after `--`, not both');
      const project = await loadMlproject({ dir: positionals[0], entryPoint: values['entry-point'], params: values.param ?? [] });
      commandArgv = project.command;
      cwd = project.dir;
      params = project.params;
      const built = await prepareMlprojectEnv({ environment: project.environment, manager: values['env-manager'], logger: stderrLogger });
      env = built.env;
      tags = { 'mlflow.project.entryPoint': project.entryPoint, 'mlci.mlproject': project.file, ...built.tags };
    } else {
      if (positionals.length)
        throw usageError(
          `unexpected argument "${positionals[0]}" before \`--\``,
          'put the command after `--`: mlci train -- python train.py',
        );
      if (values['entry-point'] || values.param || values['env-manager']) throw usageError('-e, -P and --env-manager go with --mlproject');
      if (!argv.length) throw usageError('no command to run', 'put the command after `--`: mlci train -- python train.py');
    }
    let result;
    try {
      result = await train({
        command: commandArgv,
        cwd,
        data: values.data,
        artifacts: values.artifact,
        snapshot: values.snapshot,
        name: values.name,
        experiment: values.experiment,
        selectRun: parseRunSelector(values['select-run']),
        paramsFiles: values['params-file'],
        metricsFiles: values['metrics-file'],
        systemMetricsInterval: numberFlag('system-metrics-interval', values['system-metrics-interval'], 10, { min: 0, max: 3600 }),
        params,
        tags,
        env,
        stdout: values.json ? 'stderr' : 'inherit',
        // The script's MLflow registry calls reach .mlci/registry (the same store train records into).
        modelRegistry: localMlflowRegistry(projectStore(await findProjectDir()), { logger: stderrLogger }),
        logger: stderrLogger,
      });
    } catch (error) {
      // The run was recorded FAILED: --json still prints it, then the error says why.
      if (error instanceof RecordedRunError && values.json) printJson(encodeRunRecord(error.result.record));
      throw error;
    }
    const { record, exitCode } = result;
    if (values.json) printJson(encodeRunRecord(record));
    else
      stderrLogger.info(
        `run ${record.id} ${record.status} (${record.tags['mlci.signal'] ?? `exit ${record.exitCode}`}): ${Object.keys(record.metrics).filter((k) => !k.startsWith('system/')).length} metrics, ${Object.keys(record.params).length} params, ${record.artifacts.length} artifacts`,
      );
    return exitCode;
  },
};
