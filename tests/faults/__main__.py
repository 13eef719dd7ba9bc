"""``python -m tests.faults [--write] [pytest arguments]``: run the fault matrix.

Runs every row (``python -m pytest tests/faults``); the run writes the table to the
git-ignored ``build/FAULTS.md``. With ``--write``, when that run passed, the table is then
copied to the committed ``tests/FAULTS.md`` if its content changed (``~n`` cells aside): the
one way that file changes, so a test run never leaves the working tree modified.
``scripts/faults.sh`` is ``python -m tests.faults --write``.

Exit status: pytest's; 2 if ``--write`` was asked but not every row ran (e.g. with ``-k``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from .test_matrix import COMMITTED, REPORT, ROOT, _stable


def main(argv: list[str] | None = None) -> int:
    """Run the matrix (see the module doc); return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.faults",
        description="Run the fault matrix; the table goes to build/FAULTS.md.",
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help="then copy the table to the committed tests/FAULTS.md when it changed",
    )
    args, pytest_args = parser.parse_known_args(argv)
    before = _stamp()
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/faults"]
    status = subprocess.run([*command, *pytest_args], cwd=ROOT, check=False).returncode
    if _stamp() in (before, None):  # the run wrote no table
        print(f"no table: not every row ran; {REPORT.relative_to(ROOT)} not written")
        return status or (2 if args.write else 0)
    print(f"table written to {REPORT.relative_to(ROOT)}")
    if args.write and status != 0:
        print(f"the run failed: {COMMITTED.relative_to(ROOT)} left alone")
    elif args.write:
        new = REPORT.read_text()
        old = COMMITTED.read_text() if COMMITTED.exists() else ""
        if _stable(old) != _stable(new):
            COMMITTED.write_text(new)
            print(f"{COMMITTED.relative_to(ROOT)} updated: review and commit it")
        else:
            print(f"{COMMITTED.relative_to(ROOT)} unchanged")
    return status


def _stamp() -> int | None:
    """The modification time of ``build/FAULTS.md`` (None: there is none)."""
    try:
        return REPORT.stat().st_mtime_ns
    except FileNotFoundError:
        return None


if __name__ == "__main__":
    sys.exit(main())
