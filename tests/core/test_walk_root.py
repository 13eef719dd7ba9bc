"""A walk from the top of the tree (``.1``, ``iso``): its root is one arc, which its first
request carries as net-snmp's ``snmpwalk .1`` does (the arc as the OID's one octet, which
an agent reads as ``0.1``); everything under the arc is inside the walk. Pure."""

from __future__ import annotations

from snmp_component._core import ber
from snmp_component._core.pdu import PduResult
from snmp_component._core.plans import Send, SubtreeWalk, WalkLimits, WalkPlan


def test_a_one_arc_root_walks_as_net_snmp() -> None:
    walk = SubtreeWalk((1,))
    assert walk.cursor == (1,)
    plan = WalkPlan([(1,)], WalkLimits(True, 1000, 1000, None), v1=False)
    step = plan.next(0.0)
    assert isinstance(step, Send) and step.varbinds[0][0] == (1,)
    # snmpwalk -d .1: 30 07 30 05 06 01 01 05 00
    assert ber.encode_varbinds(step.varbinds) == bytes.fromhex(
        "3007300506010105 00".replace(" ", "")
    )
    first = (1, 3, 6, 1, 2, 1, 1, 1, 0)
    plan.feed(PduResult(None, 0, 0, [(first, ber.OCTET_STRING, b"x")]), 0.0)
    step = plan.next(0.0)
    assert isinstance(step, Send) and step.varbinds[0][0] == first  # inside (1,): on
