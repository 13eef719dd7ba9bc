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


@pytest.fixture
def link_local_on_lo() -> Iterator[str]:
    """fe80::1 on the loopback interface for this test (added and removed: needs root)."""
    import subprocess

    added = subprocess.run(["ip", "-6", "addr", "add", "fe80::1/64", "dev", "lo"],
                           capture_output=True, text=True)  # fmt: skip
    if added.returncode != 0 and "exists" not in added.stderr:
        pytest.skip(f"cannot add fe80::1 to lo here: {added.stderr.strip()}")
    try:
        yield "fe80::1%lo"
    finally:
        if added.returncode == 0:
            subprocess.run(["ip", "-6", "addr", "del", "fe80::1/64", "dev", "lo"], check=False)


def test_scoped_link_local_target(link_local_on_lo: str) -> None:
    import asyncio

    from snmp_component import Kernel, SNMPComponent
    from snmp_component.testing import DemoAgent

    async def main() -> str:
        async with DemoAgent(host=link_local_on_lo) as agent:
            snmp = SNMPComponent.create(Kernel(), DestHost=link_local_on_lo,
                                        RemotePort=agent.port, Version=2, Retries=0)  # fmt: skip
            try:
                return str((await snmp.get("sysName.0"))[0].val)
            finally:
                snmp.finish()

    assert asyncio.run(asyncio.wait_for(main(), 10)) == "demo-agent"
