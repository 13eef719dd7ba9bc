"""``-m``/``-M``: the user's MIB modules, compiled once into a cache and added to the names
the command line prints, with net-snmp's lines for modules it cannot find."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import names

__all__ = ["load_user_mibs"]

_DEFAULT_MIB_DIRS = ("~/.snmp/mibs", "/usr/share/snmp/mibs", "/usr/share/snmp/mibs/iana",
                     "/usr/share/snmp/mibs/ietf")  # fmt: skip
"""net-snmp's default MIB search path (what ``-M`` adds to with a leading ``+``)."""


def _mib_cache() -> Path:
    """Where compiled user MIBs are kept between runs: the user's cache directory."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "snmp_component" / "mibs"


def load_user_mibs(mibs: str | None, mibdirs: str | None, err: TextIO) -> None:
    """``-m``/``-M``: compile (once; later runs load the cache) the modules the package does
    not ship and add them to the names. ``-m ALL`` (or ``-M`` alone): every module found
    in the directories; a module that cannot be loaded is reported, as net-snmp reports
    it, and the command goes on."""
    if not mibs and not mibdirs:
        return
    wanted = [m.lstrip("+") for m in (mibs or "").split(":") if m.lstrip("+")]
    every = not wanted or "ALL" in wanted
    dirs = [d for d in (mibdirs or "").split(":") if d]
    if not dirs or dirs[0].startswith("+"):
        dirs = [*_DEFAULT_MIB_DIRS, *(d.lstrip("+") for d in dirs)]
    dirs = [os.path.expanduser(d) for d in dirs]
    found = [d for d in dirs if os.path.isdir(d)]
    shipped = {node.module for node in names.mib_index().nodes}
    missing = [m for m in wanted if m != "ALL" and m not in shipped]
    if not found or not (missing or (every and mibdirs)):
        _cannot_find(missing, dirs, 0, err)
        return
    try:
        names.add_mibs(found, None if every else missing, cache_dir=_mib_cache())
    except names.MibCompileError as exc:
        if not exc.missing:
            print(str(exc), file=err)
            return
        _cannot_find(exc.missing, dirs, 1, err)  # and the others are loaded still
        rest = [m for m in missing if m not in exc.missing]
        if rest:
            load_user_mibs(":".join(rest), mibdirs, err)


def _cannot_find(modules: Sequence[str], dirs: Sequence[str], line: int, err: TextIO) -> None:
    """net-snmp's lines for MIB modules found in no directory."""
    if modules:
        print(f"MIB search path: {':'.join(dirs)}", file=err)
    for module in modules:
        print(f"Cannot find module ({module}): At line {line} in (none)", file=err)
