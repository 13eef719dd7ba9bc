"""Processes as /proc shows them, for the fleet's kill tests."""

from __future__ import annotations

from pathlib import Path

from snmp_component.testing.ray_cluster import descendants

__all__ = ["alive", "descendants"]


def alive(pid: int) -> bool:
    """``pid`` runs (a zombie does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
