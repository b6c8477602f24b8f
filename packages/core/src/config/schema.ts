/**
 * The JSON Schema of mlci.yml. It is the single source of truth for what the file may hold: the loader
 * validates against it, `mlci init` writes files that pass it, and docs/mlci-yml.md is generated from it.
 */
export const MLCI_CONFIG_SCHEMA = {
  $id: 'https://mlci.dev/schemas/mlci.yml.json',
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: {
    version: { const: 1, description: 'Format version of this file; 1 is the only one.' },
    project: { type: 'string', minLength: 1, description: 'A name for the project, shown in reports.' },
    store: {
      enum: ['auto', 'github', 'local'],
      description:
        'Where runs and datasets are kept. auto (default): GitHub (runs as mlci-run-<id> artifacts, datasets as mlci-data-<sha256>) inside a GitHub Actions job, the local .mlci/ elsewhere.',
    },
    registry: {
      enum: ['auto', 'github', 'local'],
      description:
        'Where model versions and aliases are kept. auto (default): GitHub releases and tags inside a job with a token, the local .mlci/registry elsewhere.',
    },
    'on-fail': {
      enum: ['stop', 'continue'],
      description:
        'What a failed data validation does to the stages after it. stop (default): training, gates, comparison and promotion do not run; continue: they run anyway (the report still fails).',
    },
    default_branch: {
      type: 'string',
      minLength: 1,
      description: 'The branch whose runs are "main" in comparisons. Default: the repository\'s default branch in a job, else main.',
    },
    datasets: {
      type: 'object',
      description: 'Datasets by name. Each is validated against its schema and checked for drift against its reference.',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['path'],
        properties: {
          path: {
            type: 'string',
            minLength: 1,
            description: 'CSV, TSV, JSONL or Parquet file, relative to mlci.yml. A DVC-tracked file is named by its data path.',
          },
          schema: { type: 'string', description: 'Frictionless Table Schema (JSON) the data must satisfy.' },
          reference: { type: 'string', description: 'Reference dataset for drift checks (e.g. the data the champion was trained on).' },
          target: { type: 'string', description: 'Target column: class balance, label set and range checks.' },
          delimiter: { type: 'string', minLength: 1, maxLength: 1 },
          drift: {
            type: 'object',
            description: 'Drift settings for this dataset (see packages/stats/README.md).',
            additionalProperties: true,
          },
        },
      },
    },
    train: {
      type: 'object',
      additionalProperties: false,
      required: ['command'],
      properties: {
        command: {
          description: 'The training command as an argument list (preferred) or a string split into words without a shell.',
          oneOf: [
            { type: 'array', items: { type: 'string' }, minItems: 1 },
            { type: 'string', minLength: 1 },
          ],
        },
        data: {
          type: 'array',
          items: { type: 'string' },
          description: 'Input dataset names or paths recorded in lineage (default: every dataset).',
        },
        params: { type: 'string', description: 'DVC-style params file (default params.yaml when present).' },
        metrics: { type: 'string', description: 'DVC-style metrics file (default metrics.json when present).' },
        name: { type: 'string', description: 'Run name.' },
        'select-run': {
          type: 'string',
          description:
            'Which of the runs the script opens is the one gates, comparisons and promotion use: first (default, the first top-level run), name=RUN_NAME or tag:KEY=VALUE.',
        },
      },
    },
    metrics: {
      type: 'object',
      description: 'Metrics compared against the baselines, by name.',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          direction: {
            enum: ['higher', 'lower'],
            description: 'Which way is better; defaults by name (loss/error lower, accuracy/f1/auc higher).',
          },
          threshold: { type: 'number', description: 'Absolute bound the candidate must meet (MLflow MetricThreshold.threshold).' },
          min_absolute_change: { type: 'number', minimum: 0, description: 'Smallest improvement over the baseline that counts (MLflow).' },
          min_relative_change: { type: 'number', minimum: 0, description: 'Smallest relative improvement that counts (MLflow).' },
          gate: { type: 'boolean', description: 'A regression on this metric fails the check (default true when any threshold is set).' },
        },
      },
    },
    gates: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      description: 'Assertions over the run\'s metrics, e.g. "val_loss < 1.2 * train_loss".',
    },
    model: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        // The registry's rule (@mlci/registry names.ts): names become git tags, release asset names and URLs.
        name: {
          type: 'string',
          pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$',
          description:
            'Registered model name: letters, digits, "-" and "_" (up to 100), starting with a letter or digit, e.g. iris-classifier (GTO-style tags: name@v1.2.3).',
        },
        artifact: {
          type: 'string',
          description: 'Run artifact path of the model directory (default "model", where mlflow.*.log_model puts it).',
        },
        alias: { type: 'string', description: 'Alias a promotion moves (default champion).' },
        promote: {
          enum: ['improved', 'always'],
          description:
            'improved (default): promote only when there is no champion yet or a metric improved on it; always: whenever every stage passed.',
        },
      },
    },
  },
} as const;
