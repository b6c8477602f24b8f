"""The same MLflow client workload against any tracking URI: prints metric values ingested per second.

Two patterns: log_batch with 1000 metrics per request (how loggers that buffer send them) and one
mlflow.log_metric call per value (how most training loops log).
"""
import json
import sys
import time

import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric

uri, batches, singles = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
mlflow.set_tracking_uri(uri)
client = MlflowClient(uri)
with mlflow.start_run() as run:
    run_id = run.info.run_id
    now = int(time.time() * 1000)
    t0 = time.perf_counter()
    for b in range(batches):
        client.log_batch(run_id, metrics=[Metric("batch_metric", float(i), now, b * 1000 + i) for i in range(1000)])
    t1 = time.perf_counter()
    for i in range(singles):
        mlflow.log_metric("single_metric", float(i), step=i)
    t2 = time.perf_counter()
print(json.dumps({
    "batch_values_per_s": batches * 1000 / (t1 - t0),
    "single_calls_per_s": singles / (t2 - t1),
}))
