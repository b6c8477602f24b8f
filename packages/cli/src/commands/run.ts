import { colour, exitCodeForKind, parseFlags, stderrLogger, usageError, EXIT } from '@mlci/core';
import { runPipeline, type StageName, type StageResult } from '@mlci/pipeline';
import { printJson, type Command } from '../command';

const ALL: StageName[] = ['validate', 'drift', 'train', 'gate', 'compare', 'promote'];

const mark = (s: StageResult) =>
  s.outcome === 'pass'
    ? colour.green('✔')
    : s.outcome === 'warn'
      ? colour.yellow('!')
      : s.outcome === 'skipped'
        ? colour.dim('-')
        : colour.red('✘');

export const command: Command = {
  summary: 'run the pipeline mlci.yml declares: validate, drift, train, gate, compare, promote',
  usage: `
usage: mlci run [--config mlci.yml] [--only STAGE,…] [--no-promote] [--github | --local] [--json]

Runs every stage mlci.yml declares, in order, and ends with a one-line verdict. Nothing is promoted unless
every other stage passed; after a failed validation nothing is trained (mlci.yml on-fail: continue to train
anyway). Runs and models go where mlci.yml's store: and registry: say (default auto: GitHub inside a GitHub
Actions job, the local .mlci/ next to mlci.yml anywhere else).

  --config FILE   the pipeline file (default mlci.yml)
  --github        use GitHub from here too: main's runs and the champion of $GITHUB_REPOSITORY (with
                  $GITHUB_TOKEN, and $GITHUB_API_URL for GitHub Enterprise), promotion to its releases
  --local         use the local .mlci/ whatever mlci.yml says
  --only LIST     run only these stages (${ALL.join(', ')})
  --no-promote    do not move the model alias even when everything passed
  --json          print the pipeline result as JSON on stdout (the training output goes to stderr)

Exit codes: 0 ready, 1 a check failed, 2 bad configuration or input (the stage says which file and line),
3 a remote service (GitHub) refused.`,
  async run(args) {
    const { values, positionals } = parseFlags('run', args, {
      config: { type: 'string' },
      only: { type: 'string' },
      'no-promote': { type: 'boolean' },
      github: { type: 'boolean' },
      local: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (values.github && values.local) throw usageError('give --github or --local, not both');
    const backend = values.github ? 'github' : values.local ? 'local' : undefined;
    if (positionals.length) throw usageError(`unexpected argument "${positionals[0]}"`, 'mlci run [--config FILE]');
    const only = values.only?.split(',').map((s) => s.trim()) as StageName[] | undefined;
    for (const stage of only ?? []) if (!ALL.includes(stage)) throw usageError(`unknown stage "${stage}"`, `stages: ${ALL.join(', ')}`);
    const err = process.stderr;
    let timer: NodeJS.Timeout | undefined;
    const result = await runPipeline({
      config: values.config,
      only,
      promote: !values['no-promote'],
      store: backend,
      registry: backend,
      logger: { ...stderrLogger, info: () => {} },
      trainStdoutToStderr: Boolean(values.json),
      onStage: ({ stage, phase, result: r, index, total }) => {
        const step = colour.dim(`[${index + 1}/${total}]`);
        if (phase === 'start') {
          err.write(`${step} ${stage} …\n`);
          // A heartbeat for long stages (training), so a silent command does not look hung.
          const started = Date.now();
          timer = setInterval(
            () => err.write(colour.dim(`${step} ${stage} still running (${Math.round((Date.now() - started) / 1000)} s)\n`)),
            15_000,
          );
          timer.unref();
        } else {
          clearInterval(timer);
          err.write(`${step} ${mark(r!)} ${stage}: ${r!.summary} ${colour.dim(`(${(r!.durationMs / 1000).toFixed(1)} s)`)}\n`);
        }
      },
    });
    if (values.json) printJson(result);
    else {
      const line =
        result.outcome === 'fail'
          ? colour.red(`✘ ${result.verdict}`)
          : result.outcome === 'warn'
            ? colour.yellow(`! ${result.verdict}`)
            : colour.green(`✔ ${result.verdict}`);
      process.stdout.write(`\nmlci: ${line}\n`);
    }
    // A stage that could not run (bad input, GitHub refusing) exits as that error would; a failed check exits 1.
    const errors = result.stages.filter((s) => s.error).map((s) => exitCodeForKind(s.error!.kind));
    if (errors.length) return Math.max(...errors);
    return result.outcome === 'fail' ? EXIT.fail : EXIT.pass;
  },
};
