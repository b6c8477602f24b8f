/** MLflow's experiment routes: get, get-by-name, create, search, set-experiment-tag. */
import { type Route, alreadyExists, notFound, str } from './protocol';
import { searchExperiments } from './search';
import type { MlflowState } from './state';

export const experimentRoutes: Route<MlflowState>[] = [
  {
    method: 'GET',
    path: 'experiments/get-by-name',
    handle: (state, body) => {
      const name = str(body.experiment_name, 'experiment_name');
      const experiment = [...state.experiments.values()].find((e) => e.name === name);
      if (!experiment) throw notFound(`Could not find experiment with name '${name}'`);
      return { experiment };
    },
  },
  { method: 'GET', path: 'experiments/get', handle: (state, body) => ({ experiment: state.experiment(body.experiment_id) }) },
  {
    method: 'POST',
    path: 'experiments/create',
    handle: (state, body) => {
      const name = str(body.name, 'name');
      if ([...state.experiments.values()].some((e) => e.name === name)) throw alreadyExists(`Experiment '${name}' already exists.`);
      return { experiment_id: state.addExperiment(String(state.nextExperimentId++), name, body.tags ?? []).experiment_id };
    },
  },
  {
    method: 'POST',
    path: 'experiments/search',
    handle: (state, body) => searchExperiments(state, body),
  },
  {
    method: 'POST',
    path: 'experiments/set-experiment-tag',
    handle: (state, body) => {
      const experiment = state.experiment(body.experiment_id);
      experiment.tags = [
        ...experiment.tags.filter((t) => t.key !== body.key),
        { key: str(body.key, 'key'), value: String(body.value ?? '') },
      ];
      experiment.last_update_time = Date.now();
      return {};
    },
  },
];
