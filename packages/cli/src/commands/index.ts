import type { Command } from '../command';

/**
 * The command table. Each command lives in its own module, loaded only when it runs,
 * so `mlci validate` does not pay for the MLflow server or the GitHub client.
 */
export const commands: Record<string, () => Promise<{ command: Command }>> = {
  validate: () => import('./validate'),
  'infer-schema': () => import('./infer-schema'),
  drift: () => import('./drift'),
  train: () => import('./train'),
  runs: () => import('./runs'),
  show: () => import('./show'),
  export: () => import('./export'),
  data: () => import('./data'),
  gate: () => import('./gate'),
  compare: () => import('./compare'),
  run: () => import('./run'),
  init: () => import('./init'),
  models: () => import('./models'),
  serve: () => import('./serve'),
};
