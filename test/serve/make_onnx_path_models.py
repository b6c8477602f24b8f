"""Makes the models the ONNX-path tests serve both ways (ONNX in-process and the Python worker):
- iris: examples/iris's served pipeline (StandardScaler fitted on a frame, then SGDClassifier with log_loss,
  trained with the example's params.yaml on its data), saved by mlflow.sklearn.save_model with its input example
  (one row, as train.py logs it);
- custom: a pipeline whose first step is a user-defined transformer skl2onnx has no converter for (cloudpickle
  keeps the class by value), so it must be served by the Python worker;
plus each model's own predictions for a probe table (the iris validation rows and shifted copies).

usage: python3 make_onnx_path_models.py OUT_DIR
"""
import csv
import json
import os
import sys

import mlflow.sklearn
import numpy as np
import pandas as pd
import yaml
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

out = sys.argv[1]
root = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "iris")
params = yaml.safe_load(open(os.path.join(root, "params.yaml")))["train"]
with open(os.path.join(root, "data", "train.csv")) as f:
    rows = list(csv.DictReader(f))
features = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
X = pd.DataFrame([[float(r[c]) for c in features] for r in rows], columns=features)
y = np.array([r["species"] for r in rows])

scaler = StandardScaler().fit(X)
model = SGDClassifier(loss="log_loss", learning_rate="constant", eta0=params["learning_rate"], alpha=params["alpha"],
                      random_state=params["seed"])
classes = np.unique(y)
for _ in range(params["epochs"]):
    model.partial_fit(scaler.transform(X), y, classes=classes)
iris = make_pipeline(scaler, model)
mlflow.sklearn.save_model(iris, os.path.join(out, "iris"), input_example=X.head(1))


class Doubler(BaseEstimator, TransformerMixin):
    """A user transformer: no skl2onnx converter exists for it."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return np.asarray(X, dtype=float) * 2.0


custom = make_pipeline(Doubler(), LogisticRegression(max_iter=500)).fit(X, y)
mlflow.sklearn.save_model(custom, os.path.join(out, "custom"), serialization_format="cloudpickle", input_example=X.head(2))

rng = np.random.default_rng(5)
probe = pd.concat([X.sample(20, random_state=1), X.sample(20, random_state=2) + rng.normal(0, 0.3, (20, 4))], ignore_index=True)
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump({
        "probe": {"columns": features, "data": probe.values.tolist()},
        "iris": iris.predict(probe).tolist(),
        "custom": custom.predict(probe).tolist(),
    }, f)
