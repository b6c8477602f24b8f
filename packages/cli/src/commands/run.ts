import { colour, parseFlags, usageError, EXIT } from '@mlci/core';
import { runPipeline, type StageName, type StageResult } from '@mlci/pipeline';
import { printJson, type Command } from '../command';

const ALL: StageName[] = ['validate', 'drift', 'train', 'gate', 'compare', 'promote'];

const mark = (s: StageResult) => (s.outcome === 'pass' ? colour.green('✔') : s.outcome === 'warn' ? colour.yellow('!') : s.outcome === 'skipped' ? colour.dim('-') : colour.red('✘'));

export const command: Command = {
  summary: 'run the pipeline mlci.yml declares: validate, drift, train, gate, compare, promote',
  usage: `
usage: mlci run [--config mlci.yml] [--only STAGE,…] [--no-promote] [--json]

Runs every stage mlci.yml declares, in order, on the local store (.mlci/ next to mlci.yml), and ends with a
one-line verdict. Nothing is promoted unless every other stage passed.

  --config FILE   the pipeline file (default mlci.yml)
  --only LIST     run only these stages (${ALL.join(', ')})
  --no-promote    do not move the model alias even when everything passed
  --json          print the pipeline result as JSON on stdout (the training output goes to stderr)

Exit codes: 0 ready, 1 a stage failed, 2 bad configuration or input.`,
  async run(args) {
    const { values, positionals } = parseFlags('run', args, {
      config: { type: 'string' },
      only: { type: 'string' },
      'no-promote': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (positionals.length) throw usageError(`unexpected argument "${positionals[0]}"`, 'mlci run [--config FILE]');
    const only = values.only?.split(',').map((s) => s.trim()) as StageName[] | undefined;
    for (const stage of only ?? []) if (!ALL.includes(stage)) throw usageError(`unknown stage "${stage}"`, `stages: ${ALL.join(', ')}`);
    const err = process.stderr;
    let timer: NodeJS.Timeout | undefined;
    const result = await runPipeline({
      config: values.config,
      only,
      promote: !values['no-promote'],
      trainStdoutToStderr: Boolean(values.json),
      onStage: ({ stage, phase, result: r, index, total }) => {
        const step = colour.dim(`[${index + 1}/${total}]`);
        if (phase === 'start') {
          err.write(`${step} ${stage} …\n`);
          // A heartbeat for long stages (training), so a silent command does not look hung.
          const started = Date.now();
          timer = setInterval(() => err.write(colour.dim(`${step} ${stage} still running (${Math.round((Date.now() - started) / 1000)} s)\n`)), 15_000);
          timer.unref();
        } else {
          clearInterval(timer);
          err.write(`${step} ${mark(r!)} ${stage}: ${r!.summary} ${colour.dim(`(${(r!.durationMs / 1000).toFixed(1)} s)`)}\n`);
        }
      },
    });
    if (values.json) printJson(result);
    else {
      const line = result.outcome === 'fail' ? colour.red(`✘ ${result.verdict}`) : result.outcome === 'warn' ? colour.yellow(`! ${result.verdict}`) : colour.green(`✔ ${result.verdict}`);
      process.stdout.write(`\nmlci: ${line}\n`);
    }
    return result.outcome === 'fail' ? EXIT.fail : EXIT.pass;
  },
};
