"""How received varbinds are shown: the one formatter of the package.

A :class:`VarbindFormat` is built from a session's output options and turns raw varbinds
(``(oid, tag, value)`` as the BER codec decodes them) into what users see, in two faces:

* SNMP.pm's (the component, the trap listener, inform answers): :meth:`~VarbindFormat.varlist`
  and :meth:`~VarbindFormat.varbind` give ``Varbind(tag, iid, val, type)``, named by
  ``UseNumeric``/``UseLongNames`` (:func:`~snmp_component.names.describe`), valued by
  :func:`~snmp_component._core.values.to_netsnmp`, or with ``UseSprintValue`` by net-snmp's
  quick-print :func:`~snmp_component._core.sprint.sprint_value`, or with ``UseEnums`` an
  INTEGER's enum label; :meth:`~VarbindFormat.value` is one such ``val`` (a table cell);
* net-snmp's tools' (the command line): :meth:`~VarbindFormat.line` is ``print_variable``'s
  ``NAME = TYPE: value``, :meth:`~VarbindFormat.name` the ``MODULE::label.index`` name (or
  numeric with ``numeric``), :meth:`~VarbindFormat.text` the value alone (``-Oq`` with
  ``quick``) -- name and value from the same MIB node, as in net-snmp
  (:class:`~snmp_component._core.netsnmp_names.ToolNames`).

Everything starts from raw values: nothing here reads a formatted ``Varbind`` back. The
MIB index is the process-wide one (:mod:`snmp_component.names`), loaded on first use.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from . import names
from ._core import ber
from ._core.cache import ByteCache, MiB, oid_size, text_size
from ._core.netsnmp_names import ToolNames
from ._core.oid import format_oid
from ._core.pdu import Oid, RawVarbind
from ._core.sprint import OidStyle, sprint_value
from ._core.values import to_netsnmp, type_name
from .varbind import Varbind, VarList

if TYPE_CHECKING:
    from .options import SessionOptions

__all__ = ["KEEP_RAW", "Formatter", "VarbindFormat", "tool_names"]

_new_varbind = Varbind.__new__
_new_varlist = VarList.__new__
_extend = list.extend

_tools: list[ToolNames] = []  # the ToolNames of the current MIB index (one entry)
_tool_name_cache: ByteCache[Oid, str] = ByteCache(
    "varformat.tool_names", lambda oid, text: oid_size(oid) + text_size(text), budget=2 * MiB
)


def tool_names() -> ToolNames:
    """net-snmp's tool names over the process-wide MIB index (rebuilt when MIBs are added)."""
    index = names.mib_index()
    if not _tools or _tools[0].index is not index:
        _tools[:] = [ToolNames(index)]
        _tool_name_cache.clear()
    return _tools[0]


def _tool_name(oid: Oid) -> str:
    """``MODULE::label.index`` of ``oid`` (memoised: OID values and prefixes repeat)."""
    tools = tool_names()
    text = _tool_name_cache.get(oid)
    if text is None:
        text = _tool_name_cache.put(oid, tools.name(oid))
    return text


class Formatter(Protocol):
    """What a component converts received varbinds with: :class:`VarbindFormat`, or
    :data:`KEEP_RAW` for a caller that formats them itself (the command line)."""

    def varlist(self, raws: Iterable[RawVarbind]) -> Any:
        """An answer's varbinds."""

    def value(self, raw: RawVarbind) -> Any:
        """A table cell."""


class _KeepRaw:
    """Answers as the raw ``(oid, tag, value)`` triples (see :data:`KEEP_RAW`)."""

    __slots__ = ()

    def varlist(self, raws: Iterable[RawVarbind]) -> list[RawVarbind]:
        return list(raws)

    def value(self, raw: RawVarbind) -> RawVarbind:
        return raw


KEEP_RAW: Formatter = _KeepRaw()
"""A formatter that keeps received varbinds raw: a component given it
(``ComponentActor.use_format``) answers with lists of ``(oid, tag, value)``."""


class VarbindFormat:
    """Raw varbinds as users see them, by one set of output options (module docstring).

    Args:
        numeric: OIDs as numbers (``UseNumeric``; the tools' ``-On``).
        long_names: full names, ``.iso.org...`` (``UseLongNames``; SNMP.pm face only).
        sprint_value: values as net-snmp prints them (``UseSprintValue``).
        enums: INTEGER values by their enum label (``UseEnums``).
    """

    __slots__ = ("_oid_text", "_plain", "enums", "long_names", "numeric", "sprint_value")

    def __init__(
        self,
        *,
        numeric: bool = False,
        long_names: bool = False,
        sprint_value: bool = False,
        enums: bool = False,
    ) -> None:
        self.numeric = numeric
        self.long_names = long_names
        self.sprint_value = sprint_value
        self.enums = enums
        self._plain = not (sprint_value or enums)
        style: OidStyle = "numeric" if numeric else "full" if long_names else "suffix"
        self._oid_text = names.oid_text(style)

    @classmethod
    def from_options(cls, opts: SessionOptions) -> VarbindFormat:
        """The format a session's ``UseNumeric``/``UseLongNames``/``UseSprintValue``/
        ``UseEnums`` ask for."""
        return cls(
            numeric=opts.use_numeric,
            long_names=opts.use_long_names,
            sprint_value=opts.use_sprint_value,
            enums=opts.use_enums,
        )

    def __repr__(self) -> str:
        flags = [k for k in ("numeric", "long_names", "sprint_value", "enums") if getattr(self, k)]
        return f"VarbindFormat({', '.join(f'{k}=True' for k in flags)})"

    # -- SNMP.pm's face ---------------------------------------------------------------------------

    def varlist(self, raws: Iterable[RawVarbind]) -> VarList:
        """``raws`` as a ``VarList`` of ``Varbind(tag, iid, val, type)`` (the hot path of
        every answer: one memoised name lookup and one conversion per varbind)."""
        varlist = _new_varlist(VarList)  # an empty VarList() without __init__
        append, describe = varlist.append, names.describe
        numeric, long_names, plain = self.numeric, self.long_names, self._plain
        val: object
        for oid, tag, value in raws:
            label, iid, mib_type = describe(oid, numeric, long_names)
            if plain and type(value) is int:  # counters, gauges, ticks, INTEGERs: as is
                val, kind = value, type_name(tag, mib_type)
            elif plain:
                val, kind = to_netsnmp(tag, value, mib_type)
            else:
                val, kind = self._value(oid, tag, value, mib_type)
            varbind = _new_varbind(Varbind)  # Varbind(label, iid, val, kind) without __init__
            _extend(varbind, (label, iid, val, kind))
            append(varbind)
        return varlist

    def varbind(self, raw: RawVarbind) -> Varbind:
        """One raw varbind as a ``Varbind``."""
        return self.varlist((raw,))[0]

    def value(self, raw: RawVarbind) -> Any:
        """The ``val`` of ``raw``'s ``Varbind`` (a table cell)."""
        oid, tag, value = raw
        mib_type = names.type_of(oid)
        if self._plain:
            return to_netsnmp(tag, value, mib_type)[0]
        return self._value(oid, tag, value, mib_type)[0]

    def _value(self, oid: Oid, tag: int, value: Any, mib_type: str | None) -> tuple[Any, str]:
        """``(val, type)`` with ``UseSprintValue``/``UseEnums`` applied."""
        if self.sprint_value:
            text = sprint_value(tag, value, names.node_of(oid), oid_text=self._oid_text)
            return text, type_name(tag, mib_type)
        val, kind = to_netsnmp(tag, value, mib_type)
        if tag == ber.INTEGER and isinstance(val, int):  # UseEnums, as SNMP.xs: INTEGER only
            node = names.node_of(oid)
            if node is not None and node.enums:
                for label, number in node.enums.items():
                    if number == val:
                        return label, kind
        return val, kind

    # -- net-snmp's tools' face -------------------------------------------------------------------

    def name(self, oid: Oid) -> str:
        """``oid`` as net-snmp's tools print it: ``MODULE::label.index``, or numeric."""
        return format_oid(oid) if self.numeric else _tool_name(oid)

    def text(self, raw: RawVarbind, quick: bool = False) -> str:
        """The value as net-snmp's ``snprint_value`` prints it (``quick``: ``-Oq``), by the
        MIB node that names it; OID values are named as :meth:`name` names OIDs."""
        oid, tag, value = raw
        return sprint_value(tag, value, tool_names().node(oid), oid_text=self.name, quick=quick)

    def line(self, raw: RawVarbind) -> str:
        """net-snmp's ``print_variable``: ``NAME = TYPE: value``."""
        return f"{self.name(raw[0])} = {self.text(raw)}"
