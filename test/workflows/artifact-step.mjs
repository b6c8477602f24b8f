// Stand-in for actions/upload-artifact@v4 and actions/download-artifact@v4 in the workflow runner: the same
// inputs and outputs, done with the real @actions/artifact client against whatever ACTIONS_RESULTS_URL names
// (the emulator's artifact service). Run as an action would be: node artifact-step.mjs upload|download,
// inputs in INPUT_*, outputs to GITHUB_OUTPUT.
import { appendFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import * as glob from '@actions/glob';

const input = (name) => (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
const output = (name, value) => appendFileSync(process.env.GITHUB_OUTPUT, `${name}=${value}\n`);
const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
const fail = (message) => {
  console.log(`::error::${message}`);
  process.exit(1);
};

/** Least common ancestor directory of absolute paths (upload-artifact's root for several search paths). */
function commonRoot(paths) {
  const parts = paths.map((p) => p.split(sep));
  const first = parts[0];
  let n = 0;
  while (n < first.length && parts.every((p) => p[n] === first[n])) n++;
  return first.slice(0, n).join(sep) || sep;
}

/** Pattern matching for download-artifact's `pattern` (`*` and `?` only, as in the examples). */
const patternRegex = (p) =>
  new RegExp(
    `^${p
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

async function upload() {
  const name = input('name') || 'artifact';
  const patterns = input('path')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => (l.startsWith('!') ? `!${resolve(workspace, l.slice(1))}` : resolve(workspace, l)))
    .join('\n');
  if (!patterns) fail('input "path" is required');
  // As upload-artifact v4.4+: files and directories starting with '.' are left out unless include-hidden-files.
  const globber = await glob.create(patterns, { implicitDescendants: true, excludeHiddenFiles: input('include-hidden-files') !== 'true' });
  const files = (await globber.glob()).filter((f) => statSync(f).isFile());
  if (files.length === 0) {
    const mode = input('if-no-files-found') || 'warn';
    const message = `No files were found with the provided path: ${input('path')}. No artifacts will be uploaded.`;
    if (mode === 'error') fail(message);
    if (mode === 'warn') console.log(`::warning::${message}`);
    return;
  }
  const searchPaths = globber.getSearchPaths();
  const root =
    searchPaths.length === 1
      ? statSync(searchPaths[0]).isDirectory()
        ? searchPaths[0]
        : dirname(searchPaths[0])
      : commonRoot(searchPaths);
  const retention = input('retention-days');
  const client = new DefaultArtifactClient();
  const { id, size, digest } = await client.uploadArtifact(name, files, root, retention ? { retentionDays: Number(retention) } : {});
  console.log(`Artifact ${name} uploaded: id ${id}, ${size} bytes, ${files.length} file(s) from ${relative(workspace, root) || '.'}`);
  output('artifact-id', id);
  output('artifact-digest', digest ?? '');
  output(
    'artifact-url',
    `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}/artifacts/${id}`,
  );
}

async function download() {
  const client = new DefaultArtifactClient();
  const path = input('path') ? (isAbsolute(input('path')) ? input('path') : resolve(workspace, input('path'))) : workspace;
  const name = input('name');
  mkdirSync(path, { recursive: true });
  if (name) {
    const { artifact } = await client
      .getArtifact(name)
      .catch(() => fail(`Unable to download artifact(s): Artifact not found for name: ${name}`));
    await client.downloadArtifact(artifact.id, { path });
    console.log(`Artifact ${name} downloaded to ${path}`);
  } else {
    const pattern = input('pattern');
    const { artifacts } = await client.listArtifacts({ latest: true });
    const chosen = pattern ? artifacts.filter((a) => patternRegex(pattern).test(a.name)) : artifacts;
    const merge = input('merge-multiple') === 'true';
    for (const a of chosen) {
      // As v4: without a name, each artifact gets its own directory unless merge-multiple.
      const into = merge ? path : join(path, a.name);
      await client.downloadArtifact(a.id, { path: into });
      console.log(`Artifact ${a.name} downloaded to ${into}`);
    }
    console.log(`Total of ${chosen.length} artifact(s) downloaded`);
  }
  output('download-path', path);
}

const mode = process.argv[2];
if (mode === 'upload') await upload();
else if (mode === 'download') await download();
else fail(`usage: artifact-step.mjs upload|download`);
