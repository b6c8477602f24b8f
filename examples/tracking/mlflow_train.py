"""Trains a small scikit-learn classifier and logs it the way an MLflow user already does.

Nothing here knows about mlci: under `mlci train`, MLFLOW_TRACKING_URI points at mlci's endpoint.
"""
import os
import sys

import mlflow
import mlflow.sklearn
import numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import train_test_split

epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
X, y = load_iris(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
classes = np.unique(y)

with mlflow.start_run(run_name="sgd-iris"):
    mlflow.log_params({"epochs": epochs, "eta0": 0.01, "model": "SGDClassifier"})
    mlflow.set_tag("team", "tracking")
    model = SGDClassifier(loss="log_loss", learning_rate="constant", eta0=0.01, random_state=0)
    for epoch in range(epochs):
        model.partial_fit(X_train, y_train, classes=classes)
        mlflow.log_metric("train_loss", log_loss(y_train, model.predict_proba(X_train), labels=classes), step=epoch)
        mlflow.log_metric("val_loss", log_loss(y_val, model.predict_proba(X_val), labels=classes), step=epoch)
    mlflow.log_metrics({
        "train_accuracy": accuracy_score(y_train, model.predict(X_train)),
        "val_accuracy": accuracy_score(y_val, model.predict(X_val)),
    })
    os.makedirs("out", exist_ok=True)
    with open(os.path.join("out", "notes.txt"), "w") as f:
        f.write("trained on iris\n")
    mlflow.log_artifact(os.path.join("out", "notes.txt"), artifact_path="reports")
    mlflow.sklearn.log_model(model, name="model")
    # Read back through the same endpoint, as scripts sometimes do.
    run = mlflow.get_run(mlflow.active_run().info.run_id)
    print("logged", sorted(run.data.metrics), "run", run.info.run_id)
