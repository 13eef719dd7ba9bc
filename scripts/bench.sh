#!/usr/bin/env bash
# The benchmark command (README): installs net-snmp's agent, tools and development files
# (for ezsnmp, the C client and the Perl client), makes and reuses a benchmark virtual
# environment (.venv-bench: the package with its `fast` extra, uvloop, and the peer
# clients, gufo_snmp among them), then runs benchmarks/run.py with it: the peer kit in
# ../shared/bench with snmp_component's clients added. Arguments go to the driver,
# e.g. `scripts/bench.sh --quick` or `scripts/bench.sh --reps 3 --workloads w1c100,w2`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
missing=""
for pkg in snmpd snmp libsnmp-dev libsnmp-perl gcc; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
export SNMP_COMPONENT_VENV="${SNMP_COMPONENT_VENV:-.venv-bench}"
ensure_venv fast  # $PY: that environment's python
peers="pysnmp aiosnmp puresnmp puresnmp-crypto ezsnmp fastsnmp gufo-snmp"
stamp="$SNMP_COMPONENT_VENV/.peers"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$peers" ]; then
  echo "== installing the peer clients into $SNMP_COMPONENT_VENV"
  "$PY" -m pip install -q --disable-pip-version-check $peers
  echo "$peers" > "$stamp"
fi
BENCH_PY="$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")"
export BENCH_PY
exec "$BENCH_PY" benchmarks/run.py "$@"
