"""Shared pytest fixtures. Add new fixtures in their own clearly commented section."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from snmp_component.testing import SnmpdAgent

# ------------------------------------------------------------------------------------------------
# Guard: a test run must leave every file git tracks as it found it (tests/no_tracked_writes.py);
# a run whose tests write one fails, naming the file and the test.
# ------------------------------------------------------------------------------------------------
from tests.no_tracked_writes import (  # noqa: F401
    pytest_runtest_setup,
    pytest_sessionfinish,
    pytest_sessionstart,
    pytest_terminal_summary,
)

# ------------------------------------------------------------------------------------------------
# Real net-snmp agent (snmpd) on loopback, one per test session.
#
# Communities public (ro) / private (rw), sysName "anchor-agent", SNMPv3 users of
# snmp_component.testing.V3_USERS; see snmp_component/testing/snmpd.py. If snmpd is missing or
# does not start, the fixture raises RuntimeError with the reason: dependent tests ERROR, they are
# never skipped.
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def snmpd() -> Iterator[SnmpdAgent]:
    """A started :class:`SnmpdAgent` on 127.0.0.1 (random port), stopped at session end."""
    agent = SnmpdAgent()
    agent.start()
    try:
        yield agent
    finally:
        agent.stop()


# ------------------------------------------------------------------------------------------------
# Hypothesis: scripts/test.sh (CI) runs the "ci" profile: the same examples every run, no
# example database, so a CI result does not depend on luck. Plain `pytest` explores at random.
# ------------------------------------------------------------------------------------------------
settings.register_profile("ci", derandomize=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
