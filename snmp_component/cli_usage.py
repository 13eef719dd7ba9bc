"""What the command line's tools share about the words they are given: a bad one is a
:class:`UsageError` (one line on standard error, exit code 1, as net-snmp's usage errors),
and an OID word is read by :func:`request_oid` as net-snmp's tools read it."""

from __future__ import annotations

from . import errors, names
from ._core.oid import format_oid

__all__ = ["UsageError", "request_oid"]


class UsageError(Exception):
    """Bad command line: its message is printed as one line, exit code 1."""


def request_oid(text: str) -> str:
    """``text`` as the numeric OID to request, read as net-snmp's tools read it (an index
    its row's INDEX refuses is unknown, :func:`~snmp_component.names.resolve_strict`).

    Raises:
        UsageError: ``TEXT: Unknown Object Identifier (DETAIL)``, net-snmp's line.
    """
    try:
        return format_oid(names.resolve_strict(text))
    except errors.UnknownObjectError as exc:
        detail = names.unknown_detail(exc)
        suffix = "" if detail is None else f" ({detail})"
        raise UsageError(f"{text}: Unknown Object Identifier{suffix}") from None
