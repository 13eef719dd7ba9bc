"""What the command line's tools share about the words they are given: a bad one is a
:class:`UsageError` (one line on standard error, exit code 1, as net-snmp's usage errors),
and an OID word is read by :func:`request_oid` as net-snmp's tools read it."""

from __future__ import annotations

from collections.abc import Iterable

from . import errors, names
from ._core.oid import format_oid
from .cli_mibs import missing_module_lines

__all__ = ["UsageError", "oid_words", "request_oid", "stale_detail"]

_TOP_LABELS = frozenset({"ccitt", "iso", "joint-iso-ccitt"})


class UsageError(Exception):
    """Bad command line: its message is printed as one line, exit code 1."""


def request_oid(text: str, stale: str = "") -> str:
    """``text`` as the numeric OID to request, read as net-snmp's tools read it (an index
    its row's INDEX refuses is unknown, :func:`~snmp_component.names.resolve_strict`).
    ``stale``: the note an earlier lookup left (:func:`stale_detail`), which net-snmp
    prints after an unknown name that has no note of its own (a ``MODULE::`` name's).

    Raises:
        UsageError: ``TEXT: Unknown Object Identifier (DETAIL)``, net-snmp's line (after
            its lines for a ``MODULE::`` it cannot find).
    """
    try:
        return format_oid(names.resolve_strict(text))
    except errors.UnknownObjectError as exc:
        detail = names.unknown_detail(exc)
        suffix = stale if detail is None else f" ({detail})"
        lines = [*missing_module_lines(text), f"{text}: Unknown Object Identifier{suffix}"]
        raise UsageError("\n".join(lines)) from None


def stale_detail(words: Iterable[str]) -> str:
    """The note net-snmp's tools leave after an error message (``snmp_sess_perror``) once
    an OID was given by a bare name: looking a name up, net-snmp first tries it from the
    root and keeps that failure, `` (Sub-id not found: (top) -> sysName)`` for the last
    such word; ``""`` when every word was numeric, ``MODULE::``-qualified or starts at a
    top-level node (``iso.3.6...``)."""
    label = None
    for word in words:
        first = word.split(".", 1)[0]
        if first and first not in _TOP_LABELS and "::" not in word and not word[0].isdigit():
            label = first
    return "" if label is None else f" (Sub-id not found: (top) -> {label})"


def oid_words(triples: list[str]) -> list[str]:
    """The words of ``OID TYPE VALUE`` triples net-snmp reads as OIDs: each OID, and the
    value of an ``o``."""
    return [word for k in range(0, len(triples) - 2, 3)
            for word in triples[k : k + 3 : 2 if triples[k + 1] == "o" else 3]]  # fmt: skip
