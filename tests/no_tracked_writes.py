"""pytest plugin: a test run must leave every file git tracks as it found it.

Enable it with ``-p tests.no_tracked_writes`` (or by importing its hooks into
``tests/conftest.py``). At session start it lists the files git tracks in the checkout
under test and installs an audit hook (:func:`sys.addaudithook`, PEP 578) that records
every attempt of this process to open one of them for writing, truncate, rename or remove
one. At session end any such attempt fails the run, naming the file and the test.

It sees what the test process itself does (all in-process tests and fixtures); the child
processes it starts (snmpd, snmptrapd) work in temporary directories of their own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class _Guard:
    """The tracked files and the writes seen so far (one per process: hooks stay)."""

    def __init__(self) -> None:
        self.tracked: frozenset[str] = frozenset()
        self.active = False
        self.current = "(outside any test)"
        self.violations: list[str] = []

    def start(self, root: Path) -> None:
        """Track the files of the git checkout that contains ``root`` (none outside one)."""
        try:
            top = subprocess.run(
                ["git", "rev-parse", "--show-toplevel"],
                cwd=root, capture_output=True, text=True, check=True, timeout=30,
            ).stdout.strip()  # fmt: skip
            listed = subprocess.run(
                ["git", "ls-files", "-z"],
                cwd=top, capture_output=True, check=True, timeout=60,
            ).stdout  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            return
        names = [os.fsdecode(name) for name in listed.split(b"\0") if name]
        top = os.path.realpath(top)
        self.tracked = frozenset(os.path.join(top, name) for name in names)
        self.violations.clear()
        self.active = bool(self.tracked)

    def hook(self, event: str, args: tuple[Any, ...]) -> None:
        """The audit hook: note writes to tracked files (never raises)."""
        if not self.active:
            return
        try:
            paths: tuple[Any, ...] = ()
            if event == "open":
                path, mode, flags = args
                if isinstance(mode, str):
                    writes = any(c in mode for c in "wax+")
                else:
                    writes = isinstance(flags, int) and bool(flags & _WRITE_FLAGS)
                paths = (path,) if writes else ()
            elif event in ("os.remove", "os.truncate", "os.rmdir"):
                paths = (args[0],)
            elif event == "os.rename":
                paths = (args[0], args[1])
            for path in paths:
                if isinstance(path, int):
                    continue  # an open file descriptor: its opening was checked
                full = os.path.realpath(os.fsdecode(path))
                if full in self.tracked:
                    self.violations.append(f"{self.current}: {event} {full}")
        except Exception:  # an audit hook must never break the code it watches
            return


_GUARD = _Guard()
_INSTALLED = False


def pytest_sessionstart(session: pytest.Session) -> None:
    """List the tracked files and start watching."""
    global _INSTALLED
    _GUARD.start(Path(str(session.config.rootpath)))
    if not _INSTALLED:
        sys.addaudithook(_GUARD.hook)
        _INSTALLED = True


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Remember which test runs, to name it in a violation."""
    _GUARD.current = item.nodeid


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when a tracked file was written."""
    _GUARD.active = False
    if _GUARD.violations and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Name every write to a tracked file."""
    if not _GUARD.violations:
        return
    terminalreporter.section("files git tracks were written", red=True)
    for line in dict.fromkeys(_GUARD.violations):
        terminalreporter.line(line, red=True)
    terminalreporter.line("tests must leave the working tree as they found it", red=True)
