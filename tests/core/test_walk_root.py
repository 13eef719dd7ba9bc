"""A walk from the top of the tree (``.1``, ``iso``): its root is one arc, which BER cannot
encode, so its first request asks from ``N.0`` as net-snmp does. Pure."""

from __future__ import annotations

from snmp_component._core import ber
from snmp_component._core.pdu import PduResult
from snmp_component._core.plans import Send, SubtreeWalk, WalkLimits, WalkPlan


def test_a_one_arc_root_walks_from_n_0() -> None:
    walk = SubtreeWalk((1,))
    assert walk.cursor == (1, 0)
    plan = WalkPlan([(1,)], WalkLimits(True, 1000, 1000, None), v1=False)
    step = plan.next(0.0)
    assert isinstance(step, Send) and step.varbinds[0][0] == (1, 0)
    ber.encode_varbinds(step.varbinds)  # encodable
    first = (1, 3, 6, 1, 2, 1, 1, 1, 0)
    plan.feed(PduResult(None, 0, 0, [(first, ber.OCTET_STRING, b"x")]), 0.0)
    step = plan.next(0.0)
    assert isinstance(step, Send) and step.varbinds[0][0] == first  # inside (1,): on
