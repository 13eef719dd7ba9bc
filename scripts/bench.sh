#!/usr/bin/env bash
# The benchmark command (README): installs the peer clients and net-snmp's development
# files (for ezsnmp and the C client), then runs benchmarks/run.py, which runs the peer kit
# in ../shared/bench with snmp_component's clients added. Arguments go to the driver,
# e.g. `scripts/bench.sh --quick` or `scripts/bench.sh --reps 3 --workloads w1c100,w2`.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
missing=""
for pkg in snmpd snmp libsnmp-dev gcc; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
"$PYTHON" -m pip install -q --disable-pip-version-check -e . \
  aiosnmp puresnmp puresnmp-crypto ezsnmp fastsnmp
exec "$PYTHON" benchmarks/run.py "$@"
