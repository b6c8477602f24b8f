"""Issue #14 row 4: dataset inputs from pandas, MLflow 3 LoggedModels (log_model, initialize/finalize, metrics with
model_id, delete), run outputs, and searches over them. Run under `mlci train` and against `mlflow server`;
test/tracking/mlflow-inputs.test.ts compares the JSON it writes to argv[1] (argv[2]: the experiment name)."""
import json, re, sys
import mlflow
import pandas as pd
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from sklearn.linear_model import LogisticRegression

out = {}
c = MlflowClient()
exp = mlflow.set_experiment(sys.argv[2] if len(sys.argv) > 2 else "inputs")
E = [exp.experiment_id]
df = pd.read_csv("data/iris.csv")
X, y = df.drop(columns=["label"]), df["label"]
ids = {}
with mlflow.start_run(run_name="train") as run:
    ids["train"] = run.info.run_id
    train_ds = mlflow.data.from_pandas(df, source="data/iris.csv", name="iris", targets="label")
    eval_ds = mlflow.data.from_pandas(df.head(20), source="data/iris.csv", name="iris-eval", targets="label")
    mlflow.log_input(train_ds, context="training", tags={"split": "all"})
    mlflow.log_input(eval_ds, context="eval")
    mlflow.log_input(train_ds, context="training")  # the same dataset again: one input
    mlflow.log_param("C", "1.0")
    clf = LogisticRegression(max_iter=300).fit(X, y)
    mlflow.log_metric("acc", float(clf.score(X, y)))
    info = mlflow.sklearn.log_model(clf, name="model", params={"C": "1.0"}, tags={"stage": "candidate"}, model_type="classifier", step=3)
    ids["model"] = info.model_id
    mlflow.log_metric("val_acc", float(clf.score(X.head(20), y.head(20))), model_id=info.model_id, dataset=eval_ds)
    mlflow.log_metric("val_acc", 0.5, step=1, model_id=info.model_id)
    with mlflow.start_run(run_name="probe", nested=True) as probe:
        ids["probe"] = probe.info.run_id
        mlflow.log_input(eval_ds, context="probe")
        other = mlflow.initialize_logged_model(name="other", params={"k": "v"}, tags={"stage": "draft"}, model_type="agent")
        ids["other"] = other.model_id
        mlflow.log_metric("val_acc", 0.7, model_id=other.model_id)
        mlflow.finalize_logged_model(other.model_id, "READY")
    pending = mlflow.initialize_logged_model(name="pending")
    ids["pending"] = pending.model_id
    gone = mlflow.initialize_logged_model(name="gone")
    c.delete_logged_model(gone.model_id)

loaded = mlflow.pyfunc.load_model(f"models:/{ids['model']}")
out["predictions"] = len(loaded.predict(X.head(5)))

def norm(v):
    s = json.dumps(v, sort_keys=True, default=str)
    # Python prints sets in hash order: sort their items so two servers' messages compare.
    s = re.sub(r"\{'[^{}]*'\}", lambda m: "{" + ", ".join(sorted(re.findall(r"'[^']*'", m.group(0)))) + "}", s)
    for name, i in ids.items():
        s = s.replace(i, f"<{name}>")
    return json.loads(s)

def models(label, **kw):
    try:
        found = mlflow.search_logged_models(experiment_ids=E, output_format="list", **kw)
        out[label] = [m.name for m in found]
    except MlflowException as e:
        out[label] = {"error": e.error_code, "message": norm(e.message)}

models("m_all")
models("m_metric", filter_string="metrics.val_acc > 0.6")
models("m_best", filter_string="metrics.val_acc > 0", order_by=[{"field_name": "metrics.val_acc", "ascending": False}], max_results=1)
models("m_order_name", order_by=[{"field_name": "name", "ascending": True}])
models("m_param", filter_string="params.C = '1.0'")
models("m_tag_like", filter_string="tags.stage LIKE 'cand%'")
models("m_name_in", filter_string="name IN ('other', 'pending')")
models("m_type", filter_string="attributes.model_type = 'agent'")
models("m_dataset", datasets=[{"dataset_name": "iris-eval", "dataset_digest": eval_ds.digest}])
models("m_dataset_metric", filter_string="metrics.val_acc < 0.95", datasets=[{"dataset_name": "iris-eval", "dataset_digest": eval_ds.digest}])
models("m_source", filter_string=f"source_run_id = '{ids['probe']}'")
models("m_err_or", filter_string="name = 'a' OR name = 'b'")
models("m_err_entity", filter_string="foo.bar = 'x'")
models("m_err_op", filter_string="metrics.val_acc LIKE '1'")
models("m_err_order", order_by=[{"field_name": "params.C"}])
page = c.search_logged_models(E, max_results=2, order_by=[{"field_name": "name", "ascending": True}])
rest = c.search_logged_models(E, max_results=2, order_by=[{"field_name": "name", "ascending": True}], page_token=page.token)
out["m_pages"] = [[m.name for m in page], [m.name for m in rest], bool(rest.token)]

m = c.get_logged_model(ids["model"])
out["model"] = norm({"name": m.name, "status": str(m.status), "type": m.model_type, "source": m.source_run_id, "params": m.params,
    "tags": {k: v for k, v in m.tags.items() if not k.startswith("mlflow.")},
    "metrics": sorted([[x.key, x.step, x.value, x.dataset_name, x.dataset_digest, x.run_id] for x in m.metrics])})
try:
    c.get_logged_model(gone.model_id)
    out["gone_get"] = "found"
except MlflowException as e:
    out["gone_get"] = e.error_code

r = c.get_run(ids["train"])
out["inputs"] = norm([{"name": d.dataset.name, "digest": d.dataset.digest, "source_type": d.dataset.source_type, "source": d.dataset.source,
    "schema": d.dataset.schema, "profile": d.dataset.profile, "tags": {t.key: t.value for t in d.tags}} for d in r.inputs.dataset_inputs])
out["outputs"] = norm([[o.model_id, o.step] for o in r.outputs.model_outputs])

def runs(label, f):
    try:
        out[label] = [x.info.run_name for x in c.search_runs(E, filter_string=f)]
    except MlflowException as e:
        out[label] = {"error": e.error_code, "message": norm(e.message)}
runs("r_dataset", "datasets.name = 'iris-eval'")
runs("r_context", "dataset.context = 'training'")
runs("r_context_in", "dataset.context IN ('probe', 'x')")
runs("r_digest", f"datasets.digest = '{train_ds.digest}'")
runs("r_err_dataset", "dataset.foo = 'x'")
json.dump({"out": out, "ids": ids}, open(sys.argv[1], "w"), indent=1, sort_keys=True)
