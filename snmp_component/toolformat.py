"""Received varbinds printed as net-snmp's command-line tools print them, with their
``-O`` output options: the command line's formatter.

:func:`output_options` reads ``-O`` letters exactly as net-snmp's ``snmp_out_options``
does (most letters toggle; ``q`` toggles quick-print, ``Q`` sets it with ``" = "``; the
last of ``s S f n u`` wins; ``a``/``x`` pick the string format), and :class:`ToolFormat`
prints with them: :meth:`~ToolFormat.name`, :meth:`~ToolFormat.text` (the value) and
:meth:`~ToolFormat.line` (``print_variable``: ``NAME = TYPE: value``, ``NAME value`` with
``-Oq``, ``NAME = value`` with ``-OQ``, the value alone with ``-Ov``).

Names and value nodes are net-snmp's with ``-m ALL`` over the shipped MIBs
(:func:`~snmp_component.varformat.tool_names`); values go through
:func:`~snmp_component._core.sprint.sprint_value`. Everything starts from raw varbinds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from ._core.instance import Instance, NameOverflow, RowIndex, bracketed_text
from ._core.oid import format_oid
from ._core.pdu import Oid, RawVarbind
from ._core.sprint import DEFAULT_STYLE, SprintStyle, float_text, sprint_value
from .varformat import tool_names

__all__ = ["OutputOptions", "ToolFormat", "output_options"]

OidFormat = Literal["module", "suffix", "full", "numeric", "ucd"]

# net-snmp's mib_prefixes, stripped from full names with -Ou
_UCD_PREFIXES = (
    ".iso.org.dod.internet.mgmt.mib-2",
    ".iso.org.dod.internet.experimental",
    ".iso.org.dod.internet.private",
    ".iso.org.dod.internet.snmpParties",
    ".iso.org.dod.internet.snmpSecrets",
)


@dataclass(frozen=True, slots=True)
class OutputOptions:
    """What ``-O`` letters asked for (net-snmp's defaults when none).

    Attributes:
        oid_format: ``module`` (``-OS``, default), ``suffix`` (``-Os``), ``full``
            (``-Of``), ``numeric`` (``-On``) or ``ucd`` (``-Ou``).
        quick: quick-print (``-Oq``): no type, ``NAME value``.
        quick_equals: ``-OQ``: quick-print with ``" = "``.
        bare_value: the value only (``-Ov``).
        break_down: table indexes broken down by INDEX (``-Ob`` turns it off).
        escape_quotes: ``\\"`` around string indexes (``-OE``).
        extended_index: table indexes in brackets, ``ifDescr[1]`` (``-OX``).
        style: the value switches (``-Oe -Ot -Oa -Ox -OT -OU``).
    """

    oid_format: OidFormat = "module"
    quick: bool = False
    quick_equals: bool = False
    bare_value: bool = False
    break_down: bool = True
    escape_quotes: bool = False
    extended_index: bool = False
    style: SprintStyle = DEFAULT_STYLE


_FORMATS: dict[str, OidFormat] = {
    "S": "module",
    "s": "suffix",
    "f": "full",
    "n": "numeric",
    "u": "ucd",
}


def output_options(letters: str, base: OutputOptions | None = None) -> OutputOptions:
    """``base`` (default: net-snmp's defaults) with the ``-O`` ``letters`` applied.

    Raises:
        ValueError: a letter net-snmp does not know (``Unknown output option passed to
            -O: z.``), or a ``-Op`` precision that is no printf width and precision.
    """
    out = base or OutputOptions()
    style = out.style
    for k, letter in enumerate(letters):
        if letter in _FORMATS:
            out = replace(out, oid_format=_FORMATS[letter])
        elif letter == "q":
            out = replace(out, quick=not out.quick)
        elif letter == "Q":
            out = replace(out, quick=not out.quick, quick_equals=True)
            style = replace(style, quick_equals=True)
        elif letter == "v":
            out = replace(out, bare_value=not out.bare_value)
        elif letter == "b":
            out = replace(out, break_down=not out.break_down)
        elif letter == "E":
            out = replace(out, escape_quotes=not out.escape_quotes)
        elif letter == "X":
            out = replace(out, extended_index=not out.extended_index)
        elif letter == "e":
            style = replace(style, numeric_enums=not style.numeric_enums)
        elif letter == "t":
            style = replace(style, numeric_timeticks=not style.numeric_timeticks)
        elif letter == "T":
            style = replace(style, hex_text=not style.hex_text)
        elif letter == "U":
            style = replace(style, units=not style.units)
        elif letter == "a":
            style = replace(style, strings="ascii")
        elif letter == "x":
            style = replace(style, strings="hex")
        elif letter == "0":
            style = replace(style, two_digit_hex=not style.two_digit_hex)
        elif letter == "p":  # the rest of the letters (or the next argument) is the precision
            precision = letters[k + 1 :]
            float_text(0.0, precision)  # (a precision printf does not take: ValueError)
            style = replace(style, precision=precision)
            break
        else:
            raise ValueError(f"Unknown output option passed to -O: {letter}.")
    return replace(out, style=style)


class ToolFormat:
    """Raw varbinds as net-snmp's tools print them, by one set of :class:`OutputOptions`."""

    __slots__ = ("options",)

    def __init__(self, options: OutputOptions | None = None) -> None:
        self.options = options or OutputOptions()

    def name(self, oid: Oid) -> str:
        """``oid`` as the tools print it (``IF-MIB::ifDescr.1``, ``ifDescr.1``, ...)."""
        text, truncated = self._name(oid)
        return f"{text} [TRUNCATED]" if truncated else text

    def _name(self, oid: Oid) -> tuple[str, bool]:
        """The name, and whether net-snmp gave up on it (``-OX``: :class:`NameOverflow`)."""
        try:
            return self._full_name(oid), False
        except NameOverflow as exc:
            # net-snmp prints what its buffer held: the labels from the root, the index so
            # far, less the last character (its _oid_finish_printing drops a "dot")
            tools = tool_names()
            node = tools.node(oid)
            assert node is not None
            return ("." + ".".join(tools.path(node)) + exc.text)[:-1], True

    def _full_name(self, oid: Oid) -> str:
        opts = self.options
        if opts.oid_format == "numeric":
            return format_oid(oid)
        tools = tool_names()
        extended = self._bracketed if opts.extended_index else None
        node, instance = tools.split(oid, opts.break_down, opts.escape_quotes, extended)
        if node is None:
            return format_oid(oid)
        tail = f".{instance}" if instance and instance[0] != "[" else instance
        if opts.oid_format == "module":
            label = node.name if len(node.oid) == 1 else f"{node.module}::{node.name}"
            return label + tail
        if opts.oid_format == "suffix":
            return node.name + tail
        full = "." + ".".join(tools.path(node)) + tail
        if opts.oid_format == "ucd":
            for prefix in _UCD_PREFIXES:
                if len(full) > len(prefix) and full.startswith(prefix):
                    return full[len(prefix) + 1 :]
        return full

    def _bracketed(self, instance: Instance, row: RowIndex) -> str:
        opts = self.options
        return bracketed_text(
            instance, row, oid_text=self.name, quick=opts.quick, style=opts.style,
            escape_quotes=opts.escape_quotes,
        )  # fmt: skip

    def text(self, raw: RawVarbind) -> str:
        """The value as ``snprint_value`` prints it; OID values named as :meth:`name`."""
        oid, tag, value = raw
        opts = self.options
        return sprint_value(
            tag, value, tool_names().node(oid), oid_text=self.name, quick=opts.quick,
            style=opts.style,
        )  # fmt: skip

    def line(self, raw: RawVarbind) -> str:
        """``print_variable``: ``NAME = TYPE: value`` (or as ``-Oq``/``-OQ``/``-Ov`` say)."""
        opts = self.options
        name, truncated = self._name(raw[0])
        if truncated:  # (even with -Ov: net-snmp prints the name first, then gives up)
            return f"{name} [TRUNCATED]"
        value = self.text(raw)
        if opts.bare_value:
            return value
        separator = " " if opts.quick and not opts.quick_equals else " = "
        return f"{name}{separator}{value}"


def packet_dump(
    direction: str, data: bytes, peer: tuple[object, ...], local: tuple[object, ...]
) -> str:
    """A datagram as net-snmp's ``-d`` prints it (``snmp_transport.c``/``snmp_api.c`` and
    ``xdump``): a blank line, ``Sending N bytes to UDP: [peer]:port->[local]:port`` or
    ``Received N byte packet from ...``, 16 octets a line in hex and as text, a blank line."""
    if ":" in str(peer[0]):  # IPv6: net-snmp names only the peer
        where = f"UDP/IPv6: [{peer[0]}]:{peer[1]}"
    else:
        where = f"UDP: [{peer[0]}]:{peer[1]}->[{local[0]}]:{local[1]}"
    if direction == "sent":
        head = f"Sending {len(data)} bytes to {where}"
    else:
        head = f"Received {len(data)} byte packet from {where}"
    lines = ["", head]
    for start in range(0, len(data), 16):
        chunk = data[start : start + 16]
        groups = [" ".join(f"{b:02X}" for b in chunk[k : k + 4]) for k in range(0, 16, 4)]
        hexes = "  ".join(f"{g:<11}" for g in groups)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{start:04d}: {hexes}    {text}")
    return "\n".join(lines) + "\n\n"
