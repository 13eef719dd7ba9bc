"""IPv6 targets: ::1 in every DestHost spelling, v2c and v3, beside IPv4 on one kernel."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from snmp_component.testing import SnmpdAgent

from .conftest import poll

SYSNAME = ".1.3.6.1.2.1.1.5.0"


@pytest.fixture(scope="module")
def dual_agent() -> Iterator[SnmpdAgent]:
    with SnmpdAgent(listen=["udp:127.0.0.1:{port}", "udp6:[::1]:{port}"]) as agent:
        yield agent


@pytest.mark.parametrize("form", ["::1", "[::1]", "[::1]:{port}", "udp6:[::1]:{port}"])
def test_ipv6_dest_host_forms(dual_agent: SnmpdAgent, form: str) -> None:
    dest = form.format(port=dual_agent.port)
    answers, _ = poll([("get", SYSNAME), ("bulkwalk", 0, 10, "system")], DestHost=dest,
                         RemotePort=dual_agent.port, Version=2, Retries=0)  # fmt: skip
    got, walked = answers if answers[0].cmd == "get" else answers[::-1]
    assert got.varlist[0].val == "anchor-agent" and len(walked.varlist[0]) > 8
    assert got.request.host == dest


def test_ipv6_v3_and_ipv4_side_by_side(dual_agent: SnmpdAgent) -> None:
    v3 = {"Version": 3, "SecName": "privAESUser", "SecLevel": "authPriv", "AuthProto": "SHA",
          "AuthPass": "authpass123", "PrivProto": "AES", "PrivPass": "privpass123"}  # fmt: skip
    six, _ = poll([("get", SYSNAME)], DestHost="::1", RemotePort=dual_agent.port, **v3)
    four, _ = poll([("get", SYSNAME)], DestHost="127.0.0.1", RemotePort=dual_agent.port, **v3)
    assert six[0].varlist[0].val == four[0].varlist[0].val == "anchor-agent"
