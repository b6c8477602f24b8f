"""DVC-style training: reads params.yaml, writes metrics.json (nested). No tracking library at all."""
import json
import os
import pickle

import yaml
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

params = yaml.safe_load(open("params.yaml"))
X, y = load_iris(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(
    X, y, test_size=params["data"]["val_fraction"], random_state=params["seed"], stratify=y
)
model = LogisticRegression(C=params["train"]["C"], max_iter=params["train"]["max_iter"]).fit(X_train, y_train)
metrics = {"train": {"accuracy": model.score(X_train, y_train)}, "val": {"accuracy": model.score(X_val, y_val)}}
with open("metrics.json", "w") as f:
    json.dump(metrics, f)
os.makedirs(os.path.join("out", "model"), exist_ok=True)
with open(os.path.join("out", "model", "model.pkl"), "wb") as f:
    pickle.dump(model, f)
print(json.dumps(metrics))
