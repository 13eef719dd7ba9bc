#!/usr/bin/env bash
# The main job (README): installs the package and runs the demo -- a POE-style poller
# printing live interface rates from the package's built-in loopback agent (no device, no
# root, no network, no snmpd). Extra arguments go to the demo, e.g. `--seconds 10`.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
"$PYTHON" -m pip install -q --disable-pip-version-check -e .
exec "$PYTHON" examples/demo.py "$@"
