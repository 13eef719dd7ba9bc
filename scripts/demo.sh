#!/usr/bin/env bash
# The main job (README): installs the package and runs the demo -- a POE-style poller
# printing live interface rates from the package's built-in loopback agent (no device, no
# root, no network, no snmpd). Extra arguments go to the demo, e.g. `--seconds 10`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
ensure_venv ""  # the project's .venv, made once; nothing reinstalled when nothing changed
exec "$PY" examples/demo.py "$@"
