"""Logs through the plain protocol: JSON Lines appended to $MLCI_METRICS_FILE, one per metric value.

Flags to exercise failure paths: --fail-at N exits 3 after epoch N; --hang-at N stops logging after epoch N
(leaving a partly written last line) and sleeps until killed.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import log_loss

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=6)
parser.add_argument("--fail-at", type=int, default=-1)
parser.add_argument("--hang-at", type=int, default=-1)
args = parser.parse_args()

out = open(os.environ["MLCI_METRICS_FILE"], "a", buffering=1)
X, y = load_iris(return_X_y=True)
classes = np.unique(y)
model = SGDClassifier(loss="log_loss", learning_rate="constant", eta0=0.01, random_state=0)
for epoch in range(args.epochs):
    model.partial_fit(X, y, classes=classes)
    out.write(json.dumps({"key": "loss", "value": log_loss(y, model.predict_proba(X), labels=classes), "step": epoch}) + "\n")
    out.write(json.dumps({"key": "accuracy", "value": model.score(X, y), "step": epoch, "timestamp": int(time.time() * 1000)}) + "\n")
    if epoch == args.fail_at:
        print(f"failing at epoch {epoch}", file=sys.stderr)
        sys.exit(3)
    if epoch == args.hang_at:
        out.write('{"key": "loss", "val')  # a write cut short
        out.flush()
        print("ready", flush=True)
        time.sleep(600)
