#!/usr/bin/env bash
# The host runner's stand-in for `npm ci`, as actions/checkout is a no-op there: the workspace's node_modules
# links this checkout's install, which `npm ci` made from the same package-lock.json (checked here, byte for
# byte). Every other npm command goes to the real npm.
if [ "${1:-}" = ci ]; then
  if ! cmp -s package-lock.json "$MLCI_INSTALLED_LOCK"; then
    echo "npm ci (stand-in): package-lock.json differs from the one node_modules was installed from ($MLCI_INSTALLED_LOCK)" >&2
    exit 1
  fi
  [ -d node_modules/@mlci ] || { echo "npm ci (stand-in): no node_modules/@mlci in $PWD" >&2; exit 1; }
  echo "npm ci (stand-in): node_modules linked, installed from this package-lock.json"
  exit 0
fi
exec "$MLCI_REAL_NPM" "$@"
