"""The ``tests.no_tracked_writes`` plugin fails a pytest run whose tests write a file git
tracks, and names it; writes elsewhere pass. Exercised on a throw-away git checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TESTS = """
import os
from pathlib import Path

HERE = Path(__file__).parent


def test_untracked_writes() -> None:
    (HERE / "scratch.txt").write_text("fine")
    (HERE / "scratch.txt").unlink()


def test_tracked_write() -> None:
    if os.environ.get("WRITE_TRACKED"):
        (HERE / "tracked.txt").write_text("changed")


def test_tracked_replace() -> None:
    if os.environ.get("WRITE_TRACKED"):
        (HERE / "new.txt").write_text("x")
        os.replace(HERE / "new.txt", HERE / "also-tracked.txt")
"""


def _run(repo: Path, write_tracked: bool) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("WRITE_TRACKED", None)
    if write_tracked:
        env["WRITE_TRACKED"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-p", "tests.no_tracked_writes", "test_writes.py"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_a_run_writing_tracked_files_fails_and_names_them(tmp_path: Path) -> None:
    repo = tmp_path / "checkout"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    for name in ("tracked.txt", "also-tracked.txt"):
        (repo / name).write_text("original\n")
    (repo / "test_writes.py").write_text(TESTS)
    subprocess.run(["git", "add", "tracked.txt", "also-tracked.txt"], cwd=repo, check=True)

    clean = _run(repo, write_tracked=False)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "files git tracks were written" not in clean.stdout

    dirty = _run(repo, write_tracked=True)
    assert dirty.returncode == 1, dirty.stdout + dirty.stderr
    assert "3 passed" in dirty.stdout  # the tests pass; the run fails
    assert "files git tracks were written" in dirty.stdout
    assert f"test_writes.py::test_tracked_write: open {repo / 'tracked.txt'}" in dirty.stdout
    assert f"os.rename {repo / 'also-tracked.txt'}" in dirty.stdout
    assert "scratch.txt" not in dirty.stdout
