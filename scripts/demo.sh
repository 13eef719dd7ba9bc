#!/usr/bin/env bash
# The main job (README): installs what it needs on a fresh Debian machine, then runs the
# demo poller against a private loopback agent. Extra arguments go to the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if { ! command -v snmpd >/dev/null && [ ! -x /usr/sbin/snmpd ]; }; then
  echo "== installing Debian's snmpd (the loopback agent the demo polls)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends snmpd snmp
fi
"$PYTHON" -m pip install -q --disable-pip-version-check -e .
exec "$PYTHON" examples/demo.py "$@"
