#!/usr/bin/env bash
# The test command (README): installs what the tests need on a fresh Debian machine,
# then runs the linters, the type checker and the whole test suite against a real snmpd.
# Extra arguments go to pytest, e.g. `scripts/test.sh -k walk -x`.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

if ! command -v snmpd >/dev/null && [ ! -x /usr/sbin/snmpd ] || ! command -v snmpget >/dev/null; then
  echo "== installing Debian's snmpd and snmp (net-snmp agent and command-line tools)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends snmpd snmp
fi

echo "== installing the package with its test extras"
"$PYTHON" -m pip install -q --disable-pip-version-check -e '.[test]'

echo "== ruff"
"$PYTHON" -m ruff check snmp_component tests examples benchmarks scripts
echo "== mypy --strict"
"$PYTHON" -m mypy snmp_component

echo "== pytest"
# pytest exits 5 when it collects no test: that fails this script too (set -e).
"$PYTHON" -m pytest -q -p no:cacheprovider "$@"
