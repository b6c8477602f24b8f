#!/usr/bin/env bash
# One-time set-up of a fresh machine: Node dependencies, then the Python peers the tests run beside mlci.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
# Python peers: mlflow's own client and server judge mlci's MLflow compatibility; scikit-learn trains the examples.
python3 -m pip install --quiet --disable-pip-version-check mlflow scikit-learn
