import { inputError, parseFlags, stderrLogger, usageError } from '@mlci/core';
import { openStore } from '@mlci/store';
import { dataGet, dataToFetch, findProjectDir } from '@mlci/tracking';
import { printJson, type Command } from '../command';

export const command: Command = {
  summary: 'restore the exact bytes of a dataset or artifact a run used',
  usage: `
usage: mlci data get RUN:PATH|SHA256 --to DIR [--github] [--json]

Writes the file into DIR under its own name, verified against its SHA-256 (a tampered or corrupt store
entry is refused). A folder dataset is written as DIR/<folder>/, every file verified, renamed into place
only when complete. Datasets are restorable when the run was recorded with \`mlci train --snapshot\`.

  --github   when the bytes are not in the local store, fetch the mlci-data-<sha256> artifact that a
             train-and-log job uploaded, else (expired) the asset of release mlci-data-<first 12 hex> that
             \`snapshot: release\` keeps, folders excepted (GITHUB_REPOSITORY, GITHUB_TOKEN with actions/contents:
             read, GITHUB_API_URL)
`,
  async run(args) {
    const { values, positionals } = parseFlags('data', args, {
      to: { type: 'string' },
      json: { type: 'boolean' },
      github: { type: 'boolean' },
    });
    if (positionals[0] !== 'get' || positionals.length !== 2) throw usageError('usage: mlci data get RUN:PATH|SHA256 --to DIR');
    if (!values.to) throw usageError('--to DIR is required');
    const store = await openStore({ projectDir: await findProjectDir() });
    const ref = positionals[1];
    if (values.github) {
      const sha256 = await dataToFetch(store, ref);
      if (sha256) {
        const { repoFromEnv } = await import('@mlci/core/github');
        const { DatasetNotStoredError, fetchDataset, fetchDatasetFromRelease } = await import('@mlci/store/github');
        const { owner, repo } = repoFromEnv();
        const token = process.env.GITHUB_TOKEN;
        if (!token) throw usageError('--github needs GITHUB_TOKEN (a token with `actions: read`)');
        // The artifact first (the job's copy); when it expired or never existed, the release asset kept for good.
        await fetchDataset(store, { token, owner, repo, sha256 }).catch(async (error) => {
          if (!(error instanceof DatasetNotStoredError)) throw error;
          await fetchDatasetFromRelease(store, { token, owner, repo, sha256 }).catch((second) => {
            if (second instanceof DatasetNotStoredError)
              throw inputError(`${error.message}, and ${second.message}`, {
                hint: 'record the data with `snapshot: release` to keep it beyond artifact retention',
              });
            throw second;
          });
        });
      }
    }
    const result = await dataGet(store, ref, values.to);
    if (values.json) printJson(result);
    else if (result.files !== undefined)
      stderrLogger.info(`${result.path}/: ${result.files} files, ${result.size} bytes, each verified (manifest sha256 ${result.sha256})`);
    else stderrLogger.info(`${result.path}: ${result.size} bytes, sha256 ${result.sha256} verified`);
    return 0;
  },
};
