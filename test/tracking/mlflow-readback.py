"""Reads experiments back with MlflowClient (argv[1]: tracking URI, then experiment names): runs of every lifecycle
stage with params, tags, metric histories, inputs and outputs, and the logged models, in a form two servers' answers
can be equal in (names for ids)."""
import json, math, sys
from mlflow import MlflowClient
from mlflow.entities import ViewType
def val(v): return v if math.isfinite(v) else str(v)
c = MlflowClient(sys.argv[1])
result = {}
for name in sys.argv[2:]:
    exp = c.get_experiment_by_name(name)
    runs = c.search_runs([exp.experiment_id], run_view_type=ViewType.ALL)
    logged = c.search_logged_models([exp.experiment_id])
    model_names = {m.model_id: m.name for m in logged}
    by_id = {r.info.run_id: r for r in runs}
    out = []
    for r in sorted(runs, key=lambda r: r.info.run_name):
        parent = r.data.tags.get("mlflow.parentRunId")
        out.append({
            "name": r.info.run_name, "status": r.info.status, "stage": r.info.lifecycle_stage,
            "parent": by_id[parent].info.run_name if parent in by_id else parent,
            "params": r.data.params,
            "tags": {k: v for k, v in r.data.tags.items() if not k.startswith(("mlflow.", "mlci."))},
            "metrics": {k: [[m.step, val(m.value)] for m in sorted(c.get_metric_history(r.info.run_id, k), key=lambda m: (m.step, m.timestamp))] for k in r.data.metrics},
            "inputs": [{"name": d.dataset.name, "digest": d.dataset.digest, "source_type": d.dataset.source_type, "source": d.dataset.source, "schema": d.dataset.schema, "profile": d.dataset.profile, "tags": {t.key: t.value for t in d.tags}} for d in r.inputs.dataset_inputs],
            "outputs": [[model_names.get(o.model_id, o.model_id), o.step] for o in (r.outputs.model_outputs if r.outputs else [])],
        })
    models = []
    for m in sorted(logged, key=lambda m: m.name):
        models.append({
            "name": m.name, "status": str(m.status), "model_type": m.model_type,
            "source_run": by_id[m.source_run_id].info.run_name if m.source_run_id in by_id else m.source_run_id,
            "params": m.params, "tags": {k: v for k, v in m.tags.items() if not k.startswith("mlflow.")},
            "metrics": sorted([[x.key, x.step, val(x.value)] for x in m.metrics]),
            "artifacts": sorted(f.path for f in c.list_logged_model_artifacts(m.model_id)),
        })
    result[name] = {"runs": out, "models": models}
print(json.dumps(result))
