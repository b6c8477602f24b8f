import { parseFlags, stderrLogger, usageError } from '@mlci/core';
import { projectStore } from '@mlci/store';
import { dataGet, findProjectDir } from '@mlci/tracking';
import { printJson, type Command } from '../command';

export const command: Command = {
  summary: 'restore the exact bytes of a dataset or artifact a run used',
  usage: `
usage: mlci data get RUN:PATH|SHA256 --to DIR [--json]

Writes the file into DIR under its own name, verified against its SHA-256 (a tampered or corrupt store
entry is refused). Datasets are restorable when the run was recorded with \`mlci train --snapshot\`.
`,
  async run(args) {
    const { values, positionals } = parseFlags('data', args, { to: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals[0] !== 'get' || positionals.length !== 2) throw usageError('usage: mlci data get RUN:PATH|SHA256 --to DIR');
    if (!values.to) throw usageError('--to DIR is required');
    const result = await dataGet(projectStore(await findProjectDir()), positionals[1], values.to);
    if (values.json) printJson(result);
    else stderrLogger.info(`${result.path}: ${result.size} bytes, sha256 ${result.sha256} verified`);
    return 0;
  },
};
