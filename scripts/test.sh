#!/usr/bin/env bash
# The test command (README): installs what the tests need on a fresh Debian machine,
# then runs the linters, the type checker and the whole test suite against a real snmpd.
# Extra arguments go to pytest, e.g. `scripts/test.sh -k walk -x`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh

# net-snmp's agent, command-line tools and trap receiver: the real peers of the tests.
missing=""
for pkg in snmpd snmp snmptrapd; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  echo "== installing Debian's$missing (net-snmp)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

ensure_venv test,ray  # the project's .venv, made once; $PY is its python

echo "== ruff"
"$PY" -m ruff check snmp_component tests examples benchmarks scripts
echo "== mypy --strict"
"$PY" -m mypy snmp_component
"$PY" -m mypy --strict tests examples

echo "== pytest"
# pytest exits 5 when it collects no test: that fails this script too (set -e).
HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}" "$PY" -m pytest -q -p no:cacheprovider "$@"
