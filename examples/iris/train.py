"""Trains an iris classifier the way a user already would: MLflow calls, nothing mlci-specific.

Under `mlci train`, MLFLOW_TRACKING_URI points at mlci's tracking endpoint, so every call below lands in the
mlci run. Run bare, it logs to ./mlruns as MLflow always does.
"""
import csv
import json
import os

import mlflow
import mlflow.sklearn
import numpy as np
import pandas as pd
import yaml
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

here = os.path.dirname(os.path.abspath(__file__))
params = yaml.safe_load(open(os.path.join(here, "params.yaml")))["train"]

with open(os.path.join(here, "data", "train.csv")) as f:
    rows = list(csv.DictReader(f))
features = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
X = np.array([[float(r[c]) for c in features] for r in rows])
y = np.array([r["species"] for r in rows])
ids = np.array([r["id"] for r in rows])
X_train, X_val, y_train, y_val, _, ids_val = train_test_split(
    X, y, ids, test_size=params["val_fraction"], random_state=params["seed"], stratify=y
)
# Fitted on a frame so the served model knows its column names.
scaler = StandardScaler().fit(pd.DataFrame(X_train, columns=features))
X_train = scaler.transform(pd.DataFrame(X_train, columns=features))
X_val = scaler.transform(pd.DataFrame(X_val, columns=features))

with mlflow.start_run(run_name="iris-sgd"):
    mlflow.log_params(params)
    model = SGDClassifier(loss="log_loss", learning_rate="constant", eta0=params["learning_rate"],
                          alpha=params["alpha"], random_state=params["seed"])
    classes = np.unique(y)
    for epoch in range(params["epochs"]):
        model.partial_fit(X_train, y_train, classes=classes)
        mlflow.log_metrics({
            "train_loss": log_loss(y_train, model.predict_proba(X_train), labels=classes),
            "val_loss": log_loss(y_val, model.predict_proba(X_val), labels=classes),
        }, step=epoch)
    train_accuracy = accuracy_score(y_train, model.predict(X_train))
    val_pred = model.predict(X_val)
    accuracy = accuracy_score(y_val, val_pred)
    mlflow.log_metrics({"train_accuracy": train_accuracy, "val_accuracy": accuracy, "accuracy": accuracy})

    # Per-example predictions let mlci put a confidence interval on the comparison with the champion.
    os.makedirs(os.path.join(here, "out"), exist_ok=True)
    predictions = os.path.join(here, "out", "predictions.csv")
    with open(predictions, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "y_true", "y_pred"])
        writer.writerows(zip(ids_val, y_val, val_pred))
    mlflow.log_artifact(predictions)

    # The served model takes raw measurements: the fitted scaler goes in front of the classifier.
    example = pd.DataFrame([dict(zip(features, X[0]))])
    mlflow.sklearn.log_model(make_pipeline(scaler, model), name="model", input_example=example)
    print(json.dumps({"val_accuracy": accuracy, "train_accuracy": train_accuracy}))
