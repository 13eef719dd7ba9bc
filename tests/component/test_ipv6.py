"""IPv6 targets: ::1 in every DestHost spelling, v2c and v3, beside IPv4 on one kernel; a
scoped link-local target in a network namespace of its own (the host is never changed)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from snmp_component import Kernel, SNMPComponent
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
    v3: dict[str, Any] = {"Version": 3, "SecName": "privAESUser", "SecLevel": "authPriv",
                          "AuthProto": "SHA", "AuthPass": "authpass123", "PrivProto": "AES",
                          "PrivPass": "privpass123"}  # fmt: skip
    six, _ = poll([("get", SYSNAME)], DestHost="::1", RemotePort=dual_agent.port, **v3)
    four, _ = poll([("get", SYSNAME)], DestHost="127.0.0.1", RemotePort=dual_agent.port, **v3)
    assert six[0].varlist[0].val == four[0].varlist[0].val == "anchor-agent"


# ================================================================== scoped link-local
# fe80::1 exists on no machine's lo by default, and adding it would change the host. The
# test runs in a network namespace of its own: a child process started with ``unshare
# --net`` (util-linux; with ``--map-root-user`` when not root) brings up its private lo,
# adds fe80::1 there, starts snmpd and the component in that namespace, and prints what the
# component got. The namespace (and the address) vanish with the child. Where namespaces
# are not permitted the test fails saying so: it is never skipped and never falls back to
# the host's lo.

_CHILD = "import tests.component.test_ipv6 as t; raise SystemExit(t._namespace_main())"
_HOST_NETNS_ENV = "SNMP_COMPONENT_TEST_HOST_NETNS"
_LINK_LOCAL = "fe80::1"


def _netns() -> str:
    """The identity of this process's network namespace (``net:[4026531840]``)."""
    return os.readlink("/proc/self/ns/net")


def _ip(*args: str) -> None:
    """Run ``ip ARGS`` (iproute2); raise with its stderr when it fails."""
    ip = shutil.which("ip") or shutil.which("ip", path="/usr/sbin:/sbin:/usr/bin:/bin")
    if ip is None:
        raise RuntimeError("the ip command (iproute2) is not installed")
    done = subprocess.run([ip, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")


def _namespace_main() -> int:
    """The body of the scoped test, run inside the private network namespace."""
    host_netns = os.environ.get(_HOST_NETNS_ENV)
    if not host_netns or _netns() == host_netns:  # never touch the host's interfaces
        print("not in a network namespace of its own: refusing to configure lo", file=sys.stderr)
        return 3
    _ip("link", "set", "lo", "up")
    _ip("-6", "addr", "add", f"{_LINK_LOCAL}/64", "dev", "lo", "nodad")
    scoped = f"{_LINK_LOCAL}%lo"
    listen = ["udp6:[::1]:{port}", f"udp6:[{scoped}]:{{port}}"]
    extra = "rocommunity6 public fe80::/64\n"
    with SnmpdAgent(host="::1", listen=listen, extra_config=extra) as agent:

        async def main() -> str:
            snmp = SNMPComponent.create(
                Kernel(), DestHost=scoped, RemotePort=agent.port, Version=2, Retries=0
            )
            try:
                return str((await snmp.get("sysName.0"))[0].val)
            finally:
                snmp.finish()

        got = asyncio.run(asyncio.wait_for(main(), 10))
    print(json.dumps({"sysName": got, "netns": _netns()}))
    return 0


def test_scoped_link_local_target() -> None:
    """``DestHost="fe80::1%lo"`` reaches snmpd on a link-local address (RFC 4007 zone)."""
    unshare = shutil.which("unshare") or shutil.which("unshare", path="/usr/bin:/bin")
    if unshare is None:
        pytest.fail("this test needs unshare (util-linux) to get a network namespace of its own")
    host_netns = _netns()
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, _HOST_NETNS_ENV: host_netns}
    # root gets a plain network namespace; anyone else one inside a user namespace of
    # their own, where they are root (needs unprivileged user namespaces).
    as_user = [] if os.geteuid() == 0 else ["--map-root-user"]
    child = subprocess.run(
        [unshare, "--net", *as_user, sys.executable, "-c", _CHILD],
        cwd=root, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    if child.returncode != 0:
        pytest.fail(
            "the scoped link-local test runs in a network namespace of its own (unshare "
            "--net, as root or in an unprivileged user namespace) and failed there (exit "
            f"{child.returncode}):"
            f"\n{child.stderr.strip()[-3000:]}"
        )
    result = json.loads(child.stdout.strip().splitlines()[-1])
    assert result == {"sysName": "anchor-agent", "netns": result["netns"]}
    assert result["netns"] != host_netns
    assert _netns() == host_netns  # this process never left the host's namespace


# Netlink (rtnetlink(7)) groups and message types: address and link changes.
_RTMGRP_LINK, _RTMGRP_IPV4_IFADDR, _RTMGRP_IPV6_IFADDR = 0x1, 0x10, 0x100
_RTM_CHANGES = {16: "RTM_NEWLINK", 17: "RTM_DELLINK", 20: "RTM_NEWADDR", 21: "RTM_DELADDR"}


def _lo_changes(sock: socket.socket) -> list[str]:
    """The rtnetlink notifications about the host's lo read from ``sock`` (non-blocking)."""
    lo = socket.if_nametoindex("lo")
    changes: list[str] = []
    while True:
        try:
            data = sock.recv(65536, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return changes
        offset = 0
        while offset + 24 <= len(data):
            length, kind = struct.unpack_from("=IH", data, offset)
            (index,) = struct.unpack_from("=i", data, offset + 16 + 4)
            if kind in _RTM_CHANGES and index == lo:
                changes.append(_RTM_CHANGES[kind])
            offset += max((length + 3) & ~3, 16)


def test_scoped_test_leaves_the_host_alone() -> None:
    """Run the scoped link-local test (a pytest of its own) while listening to the host's
    rtnetlink: no address or link of the host's lo may change."""
    groups = _RTMGRP_LINK | _RTMGRP_IPV4_IFADDR | _RTMGRP_IPV6_IFADDR
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as sock:
        sock.bind((0, groups))  # subscribed from here on: no race with the run below
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             f"{Path(__file__).resolve()}::test_scoped_link_local_target"],
            cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip
        changes = _lo_changes(sock)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert changes == [], f"the test changed the host's lo: {changes}"
