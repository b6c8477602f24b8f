#!/usr/bin/env bash
# One-time set-up of a fresh machine: Node dependencies, then the Python peers the tests run beside mlci.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
