"""The bench's BentoML peer: the same MLflow sklearn model directory (BENCH_MODEL_DIR, skops or cloudpickle, as
mlflow.sklearn saves it) behind POST /invocations taking MLflow's dataframe_split body, one worker, 1 CPU.

  BENCH_MODEL_DIR=DIR bentoml serve bentoml_service:Classifier --host 127.0.0.1 --port PORT   (from bench/serve)
"""
import os

import bentoml
import pandas as pd
import yaml


def load(model_dir):
    flavor = yaml.safe_load(open(os.path.join(model_dir, "MLmodel")))["flavors"]["sklearn"]
    path = os.path.join(model_dir, flavor["pickled_model"])
    if flavor.get("serialization_format") == "skops":
        import skops.io

        return skops.io.load(path, trusted=flavor.get("skops_trusted_types"))
    import cloudpickle

    with open(path, "rb") as f:
        return cloudpickle.load(f)


@bentoml.service(workers=1, resources={"cpu": "1"})
class Classifier:
    def __init__(self) -> None:
        self.model = load(os.environ["BENCH_MODEL_DIR"])

    @bentoml.api
    def invocations(self, dataframe_split: dict) -> dict:
        frame = pd.DataFrame(dataframe_split["data"], columns=dataframe_split["columns"])
        return {"predictions": self.model.predict(frame).tolist()}
