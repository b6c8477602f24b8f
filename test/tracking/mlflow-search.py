"""Issue #14 row 3: one unchanged script that searches as scripts do (filters, order, pages, errors, delete/restore,
experiments). Run under `mlci train` and against `mlflow server`; test/tracking/mlflow-search.test.ts compares the JSON
it writes to argv[1]."""
import json, re, sys, time
import mlflow
from mlflow import MlflowClient
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

out = {}
c = MlflowClient()
exp = mlflow.set_experiment("search")
mlflow.set_experiment_tag("team", "tracking")
E = [exp.experiment_id]
ids = {}
with mlflow.start_run(run_name="parent") as parent:
    ids["parent"] = parent.info.run_id
    mlflow.log_param("lr", "0.5")
    mlflow.log_metric("acc", 0.7)
    mlflow.set_tag("kind", "parent")
    for i, (lr, acc) in enumerate([("0.1", 0.81), ("0.01", 0.93), ("0.1", float("nan")), ("0.001", None), ("0.3", 0.88)]):
        time.sleep(0.01)
        with mlflow.start_run(run_name=f"child-{i}", nested=True) as child:
            ids[f"child-{i}"] = child.info.run_id
            mlflow.log_param("lr", lr)
            if acc is not None:
                mlflow.log_metric("acc", 0.1, step=0)
                mlflow.log_metric("acc", acc, step=1)
            mlflow.set_tag("kind", "Child")
            if i % 2:
                mlflow.set_tag("note", "odd")
    time.sleep(0.01)

def names(runs):
    return [r.info.run_name for r in runs]

def search(label, **kw):
    try:
        runs = c.search_runs(E, **kw)
        out[label] = {"names": names(runs), "token": bool(runs.token)}
    except MlflowException as e:
        out[label] = {"error": e.error_code, "message": normal(e.message)}

def normal(message):
    # Python prints sets in hash order: sort their items so two servers' messages compare.
    def sort_set(m):
        items = re.findall(r"'[^']*'", m.group(0))
        return "{" + ", ".join(sorted(items)) + "}"
    message = re.sub(r"\{'[^{}]*'\}", sort_set, message)
    # Run ids differ between the two servers.
    for name, run_id in ids.items():
        message = message.replace(run_id, f"<{name}>")
    return message

search("best", filter_string="metrics.acc > 0.8", order_by=["metrics.acc DESC"], max_results=1)
search("acc_asc", order_by=["metrics.acc ASC"])
search("acc_desc", order_by=["metrics.acc DESC"])
search("default_order")
search("lr_eq", filter_string="params.lr = '0.1'")
search("lr_dq", filter_string='params.lr = "0.1"')
search("lr_like", filter_string="params.lr LIKE '0.0%'")
search("kind_like_case", filter_string="tags.kind LIKE 'child'")
search("kind_ilike", filter_string="tags.kind ILIKE 'CHILD'")
search("children_of_parent", filter_string=f"tags.mlflow.parentRunId = '{ids['parent']}'")
search("children_backticks", filter_string=f"tags.`mlflow.parentRunId` = '{ids['parent']}'")
search("status", filter_string="attributes.status = 'FINISHED' and params.lr != '0.1'")
search("run_name_like", filter_string="attributes.run_name LIKE 'child-%'")
search("run_name_plain", filter_string="run_name = 'child-2'")
search("run_id_in", filter_string=f"attributes.run_id IN ('{ids['child-0']}', '{ids['child-4']}')")
search("run_id_not_in", filter_string=f"attributes.run_id NOT IN ('{ids['child-0']}')")
search("start_time", filter_string=f"attributes.start_time >= {c.get_run(ids['child-3']).info.start_time}")
search("acc_ne", filter_string="metrics.acc != 0.81")
search("acc_nan_eq", filter_string="metrics.acc = 0.93 and metrics.acc >= 0.9")
search("note_null", filter_string="tags.note IS NULL")
search("note_not_null", filter_string="tags.note IS NOT NULL")
search("multi_order", order_by=["params.lr DESC", "metrics.acc ASC"])
search("order_name", order_by=["attributes.run_name DESC"])
search("order_start", order_by=["attributes.start_time ASC"])
pages = []
token = None
while True:
    page = c.search_runs(E, order_by=["metrics.acc DESC"], max_results=2, page_token=token)
    pages.append(names(page))
    token = page.token
    if not token:
        break
out["pages"] = pages
for label, f in [
    ("err_metric_string", "metrics.acc > 'x'"),
    ("err_param_number", "params.lr = 0.1"),
    ("err_or", "metrics.acc > 0.8 OR metrics.acc < 0.1"),
    ("err_entity", "foo.bar = 'x'"),
    ("err_attribute", "attributes.foo = 'x'"),
    ("err_status_in", "attributes.status IN ('FINISHED')"),
    ("err_metric_like", "metrics.acc LIKE '1'"),
    ("err_paren", "(metrics.acc > 1)"),
    ("err_param_gt", "params.lr > '0.1'"),
    ("err_metric_null", "metrics.acc IS NULL"),
    ("err_lone", "metrics.acc"),
    ("err_two", "metrics.acc = 1; metrics.b = 2"),
    ("err_unquoted", "params.lr = abc"),
]:
    search(label, filter_string=f)
search("err_order", order_by=["metrics.acc UP"])
search("err_order_entity", order_by=["foo.acc"])
search("err_max", max_results=50001)
search("err_token", page_token="bm90IGpzb24=")

# The best run, as a script picks it with the fluent API (a DataFrame).
df = mlflow.search_runs(experiment_ids=E, filter_string="metrics.acc > 0.8", order_by=["metrics.acc DESC"], max_results=1)
out["fluent_best"] = list(df["tags.mlflow.runName"])

# delete / restore
c.delete_run(ids["child-1"])
search("after_delete_active")
search("after_delete_deleted", run_view_type=ViewType.DELETED_ONLY)
search("after_delete_all", run_view_type=ViewType.ALL)
out["deleted_stage"] = c.get_run(ids["child-1"]).info.lifecycle_stage
try:
    c.log_metric(ids["child-1"], "late", 1.0)
    out["log_to_deleted"] = "ok"
except MlflowException as e:
    out["log_to_deleted"] = [e.error_code, normal(e.message)]
c.restore_run(ids["child-1"])
search("after_restore", filter_string="metrics.acc > 0.9")
out["restored_stage"] = c.get_run(ids["child-1"]).info.lifecycle_stage
c.delete_run(ids["child-3"])  # stays deleted: kept in the record, deleted after export

# experiments
mlflow.set_experiment("second")
def exps(label, **kw):
    try:
        found = c.search_experiments(**kw)
        out[label] = {"names": [e.name for e in found], "token": bool(found.token)}
    except MlflowException as e:
        out[label] = {"error": e.error_code, "message": normal(e.message)}
exps("exp_all")
exps("exp_like", filter_string="name LIKE 'se%'", order_by=["name ASC"])
exps("exp_page", order_by=["name ASC"], max_results=1)
exps("exp_tag", filter_string="tags.team = 'tracking'")
exps("exp_tag_null", filter_string="tags.team IS NULL", order_by=["name DESC"])
exps("exp_err_entity", filter_string="attributes.name = 'x'")
exps("exp_err_order", order_by=["tags.team"])
exps("exp_err_or", filter_string="name = 'a' OR name = 'b'")
json.dump(out, open(sys.argv[1], "w"), indent=1, sort_keys=True)
