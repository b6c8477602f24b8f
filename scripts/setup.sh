#!/usr/bin/env bash
# One-time set-up of a fresh machine: Node dependencies, then the Python peers the tests run beside mlci.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
# The pre-commit hook (rebuilds dist/ with the sources, lints the staged files); only inside a git checkout.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then git config core.hooksPath scripts/git-hooks; fi
# Python peers: mlflow's own client and server judge mlci's MLflow compatibility; scikit-learn trains the examples;
# dvc (with dvc-data) checks mlci's md5 / .dir md5 and its stale-.dvc flag against `dvc add` and `dvc status`;
# gto reads the registry tags mlci writes and writes the ones mlci reads (test/registry/gto.test.ts);
# skl2onnx (with onnx) converts sklearn models for mlci serve's in-process ONNX path (test/serve/onnx-path.test.ts).
python3 -m pip install --quiet --disable-pip-version-check -c scripts/python-constraints.txt mlflow scikit-learn dvc gto skl2onnx onnx
# nektos/act runs workflows-examples/ end to end against the GitHub emulator (test/workflows); about 2 min to build.
# A failed build is reported, not fatal: the workflow tests then say they were skipped and why.
if command -v go >/dev/null; then
  GOFLAGS=-mod=mod go install github.com/nektos/act@v0.2.89 || echo "warning: nektos/act did not build; workflow end-to-end tests will be skipped" >&2
fi
# Container engine for the build-serve-image tests (a private dockerd is started and stopped by the test itself),
# and debootstrap, which makes the local Debian base image those tests build on (no image registry is reachable).
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Optional ONNX runtime for mlci serve (not a package.json dependency: its install script would fetch GPU binaries; skip keeps the bundled CPU runtime).
ONNXRUNTIME_NODE_INSTALL=skip npm install --no-save --no-audit --no-fund onnxruntime-node@1.30.0 >/dev/null
