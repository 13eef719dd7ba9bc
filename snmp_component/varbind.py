"""``Varbind`` and ``VarList``: net-snmp's SNMP::Varbind and SNMP::VarList for Python.

A ``Varbind`` is a list ``[tag, iid, val, type]`` with attribute access; a ``VarList`` is a
list of ``Varbind`` s. Both are plain lists, so code written for SNMP.pm's array refs
(``vb[0]``, ``vb[2]``) keeps working.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class Varbind(list[Any]):
    """``[tag, iid, val, type]``: an object name (or numeric OID), its instance, a value
    and the net-snmp type name (``OCTETSTR``, ``INTEGER``, ``TICKS``, ...).

    ``Varbind("sysDescr", 0)`` names ``sysDescr.0`` for a request;
    ``Varbind("sysContact", 0, "ops", "OCTETSTR")`` is a set request.
    """

    __slots__ = ()

    def __init__(self, tag: Any = "", iid: Any = "", val: Any = None, type: Any = None) -> None:
        super().__init__((tag, iid, val, type))

    @property
    def tag(self) -> Any:
        """The object name, or the numeric OID with a leading dot."""
        return self[0]

    @tag.setter
    def tag(self, value: Any) -> None:
        self[0] = value

    @property
    def iid(self) -> Any:
        """The instance identifier (``"0"`` for scalars, ``""`` when the tag is the whole OID)."""
        return self[1]

    @iid.setter
    def iid(self, value: Any) -> None:
        self[1] = value

    @property
    def val(self) -> Any:
        """The value: ``int``, ``str`` (printable octets, OIDs, IP addresses) or ``bytes``."""
        return self[2]

    @val.setter
    def val(self, value: Any) -> None:
        self[2] = value

    @property
    def type(self) -> Any:
        """The net-snmp type name, or ``None`` when not known (requests)."""
        return self[3]

    @type.setter
    def type(self, value: Any) -> None:
        self[3] = value

    @property
    def name(self) -> str:
        """``tag.iid`` (or just ``tag`` when ``iid`` is empty)."""
        return f"{self[0]}.{self[1]}" if self[1] not in ("", None) else str(self[0])

    def __repr__(self) -> str:
        return f"Varbind({list(self)!r})"


class VarList(list[Varbind]):
    """A list of :class:`Varbind` s, built SNMP.pm style: ``VarList(["sysDescr", 0], ...)``.

    Each argument may be a ``Varbind`` or a list/tuple of up to four items
    ``[tag, iid, val, type]``; a ``str`` argument is taken as a whole name (``tag``).
    """

    __slots__ = ()

    def __init__(self, *varbinds: Any) -> None:
        super().__init__(_as_varbind(item) for item in varbinds)

    @classmethod
    def from_iterable(cls, varbinds: Iterable[Any]) -> VarList:
        """A ``VarList`` of the items of ``varbinds``."""
        return cls(*varbinds)

    def __repr__(self) -> str:
        return f"VarList({', '.join(repr(list(vb)) for vb in self)})"


def _as_varbind(item: Any) -> Varbind:
    if isinstance(item, Varbind):
        return item
    if isinstance(item, str):
        return Varbind(item)
    if isinstance(item, list | tuple) and 1 <= len(item) <= 4:
        return Varbind(*item)
    raise TypeError(f"a Varbind is built from a str or 1 to 4 items, not {item!r}")
