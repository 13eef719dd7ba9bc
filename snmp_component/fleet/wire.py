"""Framing of the messages between the fleet's driver and its shards: a 4-byte big-endian
length, then a pickle (protocol 5) of a tuple whose first item names the message.

Driver -> shard: ``("go", t0, firsts)``, ``("add", [(index, options, offset, first)])``,
``("credit", n)``, ``("req", req_id, index, method, args, kwargs)``, ``("drain",)``.

Shard -> driver: ``("hello", epoch, pid)``, ``("batch", epoch, records)`` (one credit
each; a record is ``(index, cycle, ok, value or encoded error)``), ``("reply", epoch,
req_id, ok, value or encoded error)`` (outside the credits), ``("bye", epoch, stats)``.
"""

from __future__ import annotations

import pickle
import struct
from typing import Any

__all__ = ["FrameReader", "frame"]

_HEADER = struct.Struct("!I")
MAX_FRAME = 1 << 30


def frame(message: tuple[Any, ...]) -> bytes:
    """``message`` framed for the wire."""
    body = pickle.dumps(message, protocol=5)
    if len(body) >= MAX_FRAME:
        raise ValueError(f"message of {len(body)} bytes is too large to send")
    return _HEADER.pack(len(body)) + body


class FrameReader:
    """Feed bytes as they come; get whole messages back."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[tuple[Any, ...]]:
        buf = self._buf
        buf += data
        out: list[tuple[Any, ...]] = []
        pos = 0
        with memoryview(buf) as view:
            while len(buf) - pos >= 4:
                (size,) = _HEADER.unpack_from(buf, pos)
                if len(buf) - pos - 4 < size:
                    break
                with view[pos + 4 : pos + 4 + size] as body:
                    out.append(pickle.loads(body))
                pos += 4 + size
        if pos:
            del buf[:pos]
        return out

    @property
    def pending(self) -> int:
        """Bytes of an incomplete message held."""
        return len(self._buf)
