"""Makes the iris-like model the image tests register and serve: a scikit-learn classifier on four measurements
with three species, saved with mlflow.sklearn.save_model (signature, input example, and the requirements.txt
MLflow writes, which the image then pip installs). Deterministic: same data, same model.

usage: python3 make_iris_like.py OUT_DIR
"""
import os
import sys

import mlflow.sklearn
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression

out = sys.argv[1]
rng = np.random.default_rng(11)
centres = {"setosa": (5.0, 3.4, 1.5, 0.25), "versicolor": (5.9, 2.8, 4.3, 1.3), "virginica": (6.6, 3.0, 5.6, 2.0)}
columns = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
frames = []
for species, centre in centres.items():
    f = pd.DataFrame(rng.normal(centre, 0.2, size=(40, 4)), columns=columns)
    f["species"] = species
    frames.append(f)
data = pd.concat(frames, ignore_index=True)
X, y = data[columns], data["species"]
model = LogisticRegression(max_iter=1000).fit(X, y)
example = pd.DataFrame([centres["setosa"], centres["virginica"]], columns=columns)
mlflow.sklearn.save_model(model, os.path.join(out, "model"), signature=infer_signature(X, model.predict(X)), input_example=example)
