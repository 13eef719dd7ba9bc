"""BER a hostile agent would send: encoders that check nothing (shared by the tests)."""

from __future__ import annotations


def oid_content(arcs: tuple[int, ...]) -> bytes:
    """BER content octets of ``arcs``, without any check (any length, any arc size)."""
    out = bytearray()
    for sub in (arcs[0] * 40 + arcs[1], *arcs[2:]):
        groups = [sub & 0x7F]
        sub >>= 7
        while sub:
            groups.append(0x80 | (sub & 0x7F))
            sub >>= 7
        out += bytes(reversed(groups))
    return bytes(out)
