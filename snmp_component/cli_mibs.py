"""``-m``/``-M``: the user's MIB modules, compiled once into a cache and added to the names
the command line prints, with net-snmp's lines for modules it cannot find."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar, TextIO

from . import names

__all__ = ["load_user_mibs", "missing_module_lines"]

_DEFAULT_MIB_DIRS = ("~/.snmp/mibs", "/usr/share/snmp/mibs", "/usr/share/snmp/mibs/iana",
                     "/usr/share/snmp/mibs/ietf")  # fmt: skip
"""net-snmp's default MIB search path (what ``-M`` adds to with a leading ``+``)."""


def _mib_cache() -> Path:
    """Where compiled user MIBs are kept between runs: the user's cache directory."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "snmp_component" / "mibs"


class _Search:
    """This run's MIB search path (``-M``), and whether net-snmp's ``MIB search path``
    line was printed yet (once a run, before the first module it cannot find)."""

    dirs: ClassVar[list[str]] = [os.path.expanduser(d) for d in _DEFAULT_MIB_DIRS]
    said: ClassVar[bool] = False


def _search_dirs(mibdirs: str | None) -> list[str]:
    dirs = [d for d in (mibdirs or "").split(":") if d]
    if not dirs or dirs[0].startswith("+"):
        dirs = [*_DEFAULT_MIB_DIRS, *(d.lstrip("+") for d in dirs)]
    return [os.path.expanduser(d) for d in dirs]


def missing_module_lines(word: str) -> list[str]:
    """What net-snmp prints before ``MODULE::name: Unknown Object Identifier`` when no
    module of that name is loaded (it looks for one, and says it found none)."""
    module, colons, _ = word.partition("::")
    if not colons or module in names.mib_index().modules:
        return []
    # (net-snmp's parser is on line 1 once it has read a directory's index, else on 0)
    return _cannot_find([module], int(any(os.path.isdir(d) for d in _Search.dirs)))


def load_user_mibs(mibs: str | None, mibdirs: str | None, err: TextIO) -> None:
    """``-m``/``-M``: compile (once; later runs load the cache) the modules the package does
    not ship and add them to the names. ``-m ALL`` (or ``-M`` alone): every module found
    in the directories; a module that cannot be loaded is reported, as net-snmp reports
    it, and the command goes on."""
    _Search.dirs, _Search.said = _search_dirs(mibdirs), False
    if mibs or mibdirs:
        _load(mibs, mibdirs, err)


def _load(mibs: str | None, mibdirs: str | None, err: TextIO) -> None:
    wanted = [m.lstrip("+") for m in (mibs or "").split(":") if m.lstrip("+")]
    every = not wanted or "ALL" in wanted
    dirs = _Search.dirs
    found = [d for d in dirs if os.path.isdir(d)]
    shipped = names.mib_index().modules
    missing = [m for m in wanted if m != "ALL" and m not in shipped]
    if not found or not (missing or (every and mibdirs)):
        _print(_cannot_find(missing, 0), err)
        return
    try:
        names.add_mibs(found, None if every else missing, cache_dir=_mib_cache())
    except names.MibCompileError as exc:
        if not exc.missing:
            print(str(exc), file=err)
            return
        _print(_cannot_find(exc.missing, 1), err)  # and the others are loaded still
        rest = [m for m in missing if m not in exc.missing]
        if rest:
            _load(":".join(rest), mibdirs, err)


def _cannot_find(modules: Sequence[str], line: int) -> list[str]:
    """net-snmp's lines for MIB modules found in no directory."""
    lines = [] if not modules or _Search.said else [f"MIB search path: {':'.join(_Search.dirs)}"]
    _Search.said = _Search.said or bool(modules)
    return lines + [
        f"Cannot find module ({module}): At line {line} in (none)" for module in modules
    ]


def _print(lines: list[str], err: TextIO) -> None:
    for line in lines:
        print(line, file=err)
