"""Helpers for tests, examples and benchmarks (not needed at run time)."""

from __future__ import annotations

from snmp_component.testing.agent import DemoAgent
from snmp_component.testing.snmpd import V3_USERS, SnmpdAgent, V3User

__all__ = ["V3_USERS", "DemoAgent", "SnmpdAgent", "V3User"]
