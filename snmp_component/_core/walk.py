"""The walk of one subtree, as a pure state machine (no I/O).

The component asks :attr:`SubtreeWalk.cursor` for the OID to put in the next GETNEXT or
GETBULK and feeds back the varbinds the agent returned for this column. The walk ends
when a varbind leaves the subtree, at endOfMibView or a noSuch* exception, or when the
agent reports v1 ``noSuchName`` (the component calls :meth:`end`). An OID that is not
greater than the previous one stops the walk with :class:`OidNotIncreasing` unless
``check_increasing`` is off; the row and request caps hold in every case, so no walk
can run forever.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import OidNotIncreasing, WalkLimitExceeded
from . import ber
from .oid import format_oid
from .pdu import Oid, RawVarbind

MAX_ROWS = 1_000_000
MAX_REQUESTS = 100_000

_END_TAGS = frozenset({ber.END_OF_MIB_VIEW, ber.NO_SUCH_OBJECT, ber.NO_SUCH_INSTANCE})


class SubtreeWalk:
    """Walks the subtree under ``root``; collects rows in agent order.

    Attributes:
        root: the subtree's OID.
        cursor: the OID to ask for next (the last one received).
        rows: the varbinds collected so far.
        done: True once the walk ended.
        requests: how many responses were fed.
    """

    def __init__(
        self,
        root: Oid,
        *,
        check_increasing: bool = True,
        max_rows: int = MAX_ROWS,
        max_requests: int = MAX_REQUESTS,
    ) -> None:
        self.root = root
        self.cursor = root
        self.rows: list[RawVarbind] = []
        self.done = False
        self.requests = 0
        self._check = check_increasing
        self._max_rows = max_rows
        self._max_requests = max_requests
        self._seen: set[Oid] = set()

    @property
    def left_immediately(self) -> bool:
        """The first answer was already outside the subtree (walk of a leaf instance)."""
        return self.done and not self.rows and self.requests == 1

    def feed(self, varbinds: Sequence[RawVarbind]) -> None:
        """Consume this column's varbinds of one response, in order.

        Raises:
            OidNotIncreasing: an OID not greater than the previous one (when checked).
            WalkLimitExceeded: the row or request cap was reached.
        """
        self.requests += 1
        root, depth = self.root, len(self.root)
        for varbind in varbinds:
            oid, tag, _ = varbind
            if tag in _END_TAGS or oid[:depth] != root:
                self.done = True
                return
            if oid <= self.cursor:
                if self._check:
                    raise OidNotIncreasing(format_oid(self.cursor), format_oid(oid))
                if oid in self._seen:  # a loop even the lenient mode cannot follow
                    raise OidNotIncreasing(format_oid(self.cursor), format_oid(oid))
                self._seen.add(oid)
            self.rows.append(varbind)
            self.cursor = oid
            if len(self.rows) >= self._max_rows:
                raise WalkLimitExceeded("MaxRows", self._max_rows)
        if not varbinds:
            self.done = True  # an agent that answers nothing cannot be walked further
        elif self.requests >= self._max_requests:
            raise WalkLimitExceeded("MaxRequests", self._max_requests)

    def end(self) -> None:
        """End the walk cleanly: the answer was v1 noSuchName, past the last object."""
        self.requests += 1
        self.done = True
