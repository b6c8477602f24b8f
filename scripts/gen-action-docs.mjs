// Writes docs/actions/<name>.md from each action.yml (inputs, outputs, defaults, permissions needed), so the
// docs cannot drift from the code. `--check` compares instead of writing (test/docs.test.ts runs that).
import { readFileSync, readdirSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '..');
const permissions = JSON.parse(readFileSync(join(root, 'scripts/action-permissions.json'), 'utf8'));
// Users pin the major tag of the version (release.yml moves it), as workflows-examples/ and README do.
const majorTag = `v${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version.split('.')[0]}`;
const cell = (text) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');

export function actionFiles() {
  const files = [['pipeline', join(root, 'action.yml'), 'mlci-dev/mlci']];
  for (const name of readdirSync(join(root, 'actions')).sort()) {
    const file = join(root, 'actions', name, 'action.yml');
    if (existsSync(file)) files.push([name, file, `mlci-dev/mlci/actions/${name}`]);
  }
  return files;
}

export function renderDoc(name, file, uses) {
  const action = parse(readFileSync(file, 'utf8'));
  const lines = [
    `# ${action.name}`,
    '',
    `<!-- generated from ${file.slice(root.length + 1)} by scripts/gen-action-docs.mjs: do not edit -->`,
    '',
    action.description,
    '',
    '```yaml',
    `- uses: ${uses}@${majorTag}`,
  ];
  const required = Object.entries(action.inputs ?? {}).filter(([, i]) => i.required);
  if (required.length) lines.push('  with:', ...required.map(([k]) => `    ${k}: …`));
  lines.push('```', '', '## Permissions', '');
  const perms = permissions[name];
  if (!perms) throw new Error(`scripts/action-permissions.json has no entry for ${name}`);
  lines.push(
    '```yaml',
    'permissions:',
    ...Object.entries(perms).map(
      ([scope, level]) =>
        `  ${scope}: ${String(level).split(' ')[0]}${String(level).includes(' ') ? `   # ${String(level).split(' ').slice(1).join(' ')}` : ''}`,
    ),
    '```',
    '',
  );
  lines.push('## Inputs', '', '| input | required | default | description |', '| --- | --- | --- | --- |');
  for (const [key, input] of Object.entries(action.inputs ?? {}))
    lines.push(
      `| \`${key}\` | ${input.required ? 'yes' : 'no'} | ${input.default !== undefined ? `\`${cell(input.default)}\`` : ''} | ${cell(input.description)} |`,
    );
  lines.push('', '## Outputs', '', '| output | description |', '| --- | --- |');
  for (const [key, output] of Object.entries(action.outputs ?? {})) lines.push(`| \`${key}\` | ${cell(output.description)} |`);
  lines.push('', `Runs on \`${action.runs.using}\`.`, '');
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  const stale = [];
  mkdirSync(join(root, 'docs/actions'), { recursive: true });
  for (const [name, file, uses] of actionFiles()) {
    const target = join(root, 'docs/actions', `${name}.md`);
    const text = renderDoc(name, file, uses);
    if (check) {
      if (!existsSync(target) || readFileSync(target, 'utf8') !== text) stale.push(target);
    } else writeFileSync(target, text);
  }
  if (stale.length) {
    console.error(`stale action docs (run node scripts/gen-action-docs.mjs):\n${stale.join('\n')}`);
    process.exit(1);
  }
}
