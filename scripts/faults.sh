#!/usr/bin/env bash
# Regenerate the committed fault matrix, tests/FAULTS.md: runs every row of tests/faults
# against a real snmpd (the table goes to the git-ignored build/FAULTS.md) and copies the
# table to tests/FAULTS.md when the run passed and the table changed. Test runs never touch
# tests/FAULTS.md.
# Extra arguments go to pytest (a partial run, e.g. -k, writes no table and changes nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-python3}" -m tests.faults --write "$@"
