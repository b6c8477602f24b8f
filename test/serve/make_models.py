"""Makes the models the serve tests run: a classifier (skops, MLflow's default) and a regressor (cloudpickle)
saved with mlflow.sklearn.save_model, with a signature and input example, plus what each model's own predict
gives for a probe table (the tests compare the server's answers with these).

usage: python3 make_models.py OUT_DIR
"""
import json
import os
import sys

import mlflow.sklearn
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from sklearn.linear_model import LinearRegression, LogisticRegression

out = sys.argv[1]
rng = np.random.default_rng(7)
n = 120
X = pd.DataFrame({
    "length": rng.normal(5, 1, n),
    "width": rng.normal(3, 0.5, n),
    "count": rng.integers(0, 10, n).astype("int64"),
})
labels = np.where(X["length"] + X["width"] * 0.5 + X["count"] * 0.1 > 7, "large", "small")
probe = X.sample(9, random_state=3).reset_index(drop=True)

classifier = LogisticRegression(max_iter=500).fit(X, labels)
mlflow.sklearn.save_model(classifier, os.path.join(out, "classifier"),
                          signature=infer_signature(X, classifier.predict(X)), input_example=X.head(3))

target = 2.0 * X["length"] - 1.5 * X["width"] + 0.3 * X["count"] + rng.normal(0, 0.1, n)
regressor = LinearRegression().fit(X, target)
mlflow.sklearn.save_model(regressor, os.path.join(out, "regressor"), serialization_format="cloudpickle",
                          signature=infer_signature(X, regressor.predict(X)), input_example=X.head(2))

with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump({
        "probe": {"columns": list(probe.columns), "data": probe.values.tolist()},
        "probe_records": json.loads(probe.to_json(orient="records")),
        "probe_csv": probe.to_csv(index=False),
        "classifier": classifier.predict(probe).tolist(),
        "classes": classifier.classes_.tolist(),
        "regressor": regressor.predict(probe).tolist(),
    }, f)
