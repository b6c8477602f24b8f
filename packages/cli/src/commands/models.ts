import { EXIT, colour, parseFlags, stderrLogger, usageError } from '@mlci/core';
import {
  GatesFailedError,
  downloadVersion,
  exportToMlflow,
  listModels,
  openBackends,
  parseBump,
  promote,
  readGateFiles,
  rollback,
  showVersion,
  type Backends,
} from '@mlci/registry';
import { printJson, type Command } from '../command';

const usage = `
mlci models: the model registry (versions, aliases such as champion, rollback, verified downloads)

usage:
  mlci models promote NAME --run RUN [--alias ALIAS] [--version X.Y.Z | --bump major|minor|patch]
                          [--require-gates] [--gates FILE]... [--model-path model/] [--no-alias]
  mlci models rollback NAME [--alias ALIAS]
  mlci models list [NAME]
  mlci models show NAME@ALIAS | NAME@vX.Y.Z | NAME
  mlci models download NAME@ALIAS|NAME@vX.Y.Z --to DIR
  mlci models export NAME@ALIAS|NAME@vX.Y.Z --tracking-uri URI [--mlflow-name NAME]

flags (every subcommand):
  --project DIR     project whose .mlci/ holds runs and the local registry (default: current directory)
  --json            print the result as JSON on stdout (logs stay on stderr)
  --github          use the GitHub registry (releases + tags) of $GITHUB_REPOSITORY with $GITHUB_TOKEN
  --backend B       auto (default: github inside a GitHub Actions job with a token, else local), local or github
  --repo OWNER/NAME repository of the GitHub registry (default: $GITHUB_REPOSITORY)

promote registers the run's model files (its artifacts under model/) with a model card and SHA256SUMS as
the next version (tag NAME@vX.Y.Z, minor bump by default) and moves ALIAS (default champion) to it. It
exits 1 when --require-gates is set and a gate failed, 3 when another promotion moved the alias first.
export registers the version in an MLflow model registry (REST) with its aliases.
download verifies every file against its SHA-256 and writes nothing when one does not match.
`;

const flags = {
  project: { type: 'string' },
  json: { type: 'boolean' },
  github: { type: 'boolean' },
  backend: { type: 'string' },
  repo: { type: 'string' },
  run: { type: 'string' },
  alias: { type: 'string' },
  'no-alias': { type: 'boolean' },
  version: { type: 'string' },
  bump: { type: 'string' },
  'require-gates': { type: 'boolean' },
  gates: { type: 'string', multiple: true },
  'model-path': { type: 'string' },
  to: { type: 'string' },
  'tracking-uri': { type: 'string' },
  'mlflow-name': { type: 'string' },
} as const;

type Values = ReturnType<typeof parseFlags<typeof flags>>['values'];

async function open(values: Values): Promise<Backends> {
  const backend = values.github ? 'github' : (values.backend ?? 'auto');
  if (backend !== 'local' && backend !== 'github' && backend !== 'auto')
    throw usageError(`--backend must be auto, local or github, got "${backend}"`);
  return openBackends({ store: backend, registry: backend, projectDir: values.project, repo: values.repo, logger: stderrLogger });
}

function one(positionals: string[], what: string, sub: string): string {
  if (positionals.length !== 1)
    throw usageError(`mlci models ${sub} takes one ${what}, got ${positionals.length}`, 'run `mlci models --help`');
  return positionals[0];
}

export const command: Command = {
  summary: 'model registry: promote, rollback, list, show, download, export',
  usage,
  async run(args) {
    const [sub, ...rest] = args;
    const { values, positionals } = parseFlags('models', rest, flags);
    const out = (value: unknown, human: string) => (values.json ? printJson(value) : process.stdout.write(human + '\n'));
    switch (sub) {
      case 'promote': {
        const name = one(positionals, 'model NAME', sub);
        if (!values.run)
          throw usageError('mlci models promote needs --run RUN', 'name the run by id, id prefix or name (`mlci runs` lists them)');
        if (values.version && values.bump) throw usageError('give --version or --bump, not both');
        if (values['no-alias'] && values.alias) throw usageError('give --alias or --no-alias, not both');
        const { registry, store } = await open(values);
        const gates = await readGateFiles(values.gates ?? []);
        try {
          const result = await promote({
            registry,
            store,
            name,
            run: values.run,
            alias: values['no-alias'] ? null : values.alias,
            version: values.version,
            bump: values.bump ? parseBump(values.bump) : undefined,
            requireGates: values['require-gates'],
            gates,
            modelPath: values['model-path'],
            logger: stderrLogger,
          });
          out(
            result,
            `${colour.green('registered')} ${result.tag}${result.reused ? ' (already registered)' : ''}` +
              (result.alias
                ? `; ${name}@${result.alias} -> v${result.version}${result.previous ? ` (was v${result.previous})` : ''}`
                : '') +
              `\n  ${result.url}`,
          );
          return EXIT.pass;
        } catch (error) {
          if (!(error instanceof GatesFailedError)) throw error;
          stderrLogger.error(error.describe());
          return EXIT.fail;
        }
      }
      case 'rollback': {
        const name = one(positionals, 'model NAME', sub);
        const { registry } = await open(values);
        const result = await rollback({ registry, name, alias: values.alias });
        out(result, `${name}@${result.alias}: v${result.previous} -> v${result.version} (rolled back)`);
        return EXIT.pass;
      }
      case 'list': {
        if (positionals.length > 1) throw usageError('mlci models list takes at most one NAME');
        const { registry } = await open(values);
        const models = await listModels(registry, positionals[0]);
        const lines = models.length ? [] : [`no registered models in ${registry.location}`];
        for (const m of models) {
          lines.push(colour.bold(m.name));
          for (const v of [...m.versions].reverse())
            lines.push(
              `  v${v.version.padEnd(10)} run ${v.runId.slice(0, 8)}  ${v.promotedAt}${v.aliases.length ? `  ${colour.green(v.aliases.join(', '))}` : ''}`,
            );
        }
        out(models, lines.join('\n'));
        return EXIT.pass;
      }
      case 'show': {
        const ref = one(positionals, 'NAME@ALIAS or NAME@vX.Y.Z', sub);
        const { registry } = await open(values);
        const shown = await showVersion(registry, ref);
        const lines = [
          `${colour.bold(shown.tag)}${shown.aliases.length ? `  (${shown.aliases.join(', ')})` : ''}`,
          `  run     ${shown.runId}`,
          `  commit  ${shown.commit ?? 'none'}`,
          `  where   ${shown.url}`,
          ...Object.entries(shown.metrics).map(([k, v]) => `  ${k} = ${v}`),
          '  files:',
          ...shown.assets.map((a) => `    ${a.sha256}  ${a.path}`),
        ];
        out(shown, lines.join('\n'));
        return EXIT.pass;
      }
      case 'download': {
        const ref = one(positionals, 'NAME@ALIAS or NAME@vX.Y.Z', sub);
        if (!values.to) throw usageError('mlci models download needs --to DIR');
        const { registry } = await open(values);
        const result = await downloadVersion(registry, ref, values.to);
        out(result, `downloaded ${result.tag} to ${result.to} (${result.files.length} files, all checksums verified)`);
        return EXIT.pass;
      }
      case 'export': {
        const ref = one(positionals, 'NAME@ALIAS or NAME@vX.Y.Z', sub);
        const trackingUri = values['tracking-uri'] ?? process.env.MLFLOW_TRACKING_URI;
        if (!trackingUri) throw usageError('mlci models export needs --tracking-uri URI (or MLFLOW_TRACKING_URI)');
        const { registry } = await open(values);
        const result = await exportToMlflow({ registry, ref, trackingUri, mlflowName: values['mlflow-name'] });
        out(
          result,
          `exported ${result.name} v${result.version} to MLflow as ${result.mlflowName} version ${result.mlflowVersion}${result.existed ? ' (already there)' : ''}${result.aliases.length ? `; aliases ${result.aliases.join(', ')}` : ''}`,
        );
        return EXIT.pass;
      }
      default:
        throw usageError(
          sub ? `unknown subcommand "models ${sub}"` : 'mlci models needs a subcommand',
          'one of: promote, rollback, list, show, download, export (see `mlci models --help`)',
        );
    }
  },
};
