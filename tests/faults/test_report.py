"""The fault matrix's table: a test run writes it to the git-ignored ``build/FAULTS.md``
only; the committed ``tests/FAULTS.md`` changes only by ``python -m tests.faults --write``
(``scripts/faults.sh``), so running the suite never modifies a tracked file."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from . import test_matrix
from .test_matrix import COMMITTED, REPORT, ROOT, SCENARIOS, Row


def _git(*args: str) -> int:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, check=False).returncode


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_table_of_a_test_run_goes_to_an_ignored_build_folder() -> None:
    assert REPORT.parent == ROOT / "build"
    assert _git("check-ignore", "-q", str(REPORT)) == 0, "build/ must be git-ignored"
    assert _git("ls-files", "--error-unmatch", str(REPORT)) != 0
    assert _git("ls-files", "--error-unmatch", str(COMMITTED)) == 0
    header = test_matrix.HEADER  # the table says how it is regenerated
    assert "python -m tests.faults --write" in header and "scripts/faults.sh" in header


def test_a_finished_matrix_writes_build_and_leaves_the_committed_table_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Every row present (as after a full run, here with made-up rows): the table is
    written to the build folder; tests/FAULTS.md keeps its bytes."""
    before = _digest(COMMITTED)
    report = tmp_path / "build" / "FAULTS.md"
    monkeypatch.setattr(test_matrix, "REPORT", report)
    rows = {sc.id: Row(sc, 1, 1, 1, 0, 0, 0, Counter(), None, "", Counter()) for sc in SCENARIOS}
    monkeypatch.setattr(test_matrix, "ROWS", rows)
    assert test_matrix.finish_matrix()
    assert report.read_text().startswith("# Fault matrix")
    assert _digest(COMMITTED) == before
    del rows[SCENARIOS[0].id]  # a partial run writes nothing
    report.unlink()
    assert not test_matrix.finish_matrix() and not report.exists()


def test_writing_the_report_refuses_a_tracked_file() -> None:
    before = _digest(COMMITTED)
    with pytest.raises(RuntimeError, match="git tracks it"):
        test_matrix.write_report(COMMITTED, "# not a table\n")
    assert _digest(COMMITTED) == before


def test_the_write_command_after_a_partial_run_changes_nothing() -> None:
    """``python -m tests.faults --write -k <one row>``: no table, exit status 2."""
    before = _digest(COMMITTED)
    stamp = REPORT.stat().st_mtime_ns if REPORT.exists() else None
    run = subprocess.run(
        [sys.executable, "-m", "tests.faults", "--write", "-k", "v2c-clean"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 2, run.stdout[-2000:] + run.stderr[-2000:]
    assert "not every row ran" in run.stdout
    assert _digest(COMMITTED) == before
    assert (REPORT.stat().st_mtime_ns if REPORT.exists() else None) == stamp
