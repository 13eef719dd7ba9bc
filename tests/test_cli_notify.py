"""``snmpc trap`` / ``inform`` / ``trapd`` against net-snmp 5.9.3's ``snmptrap`` /
``snmpinform`` / ``snmptrapd``, line by line.

Senders: the same arguments go through snmpc and through net-snmp's tool, each to its own
``snmptrapd -f -Lo`` (one each: snmptrapd would take the second SNMPv3 engine's traps for
replays); the two receivers must print the same lines, the two senders the same stderr
and exit code. Receivers: net-snmp's senders send the same notifications to ``snmpc
trapd`` and to ``snmptrapd`` with the same ``-O`` options; the lines must be the same.
Masked: the time stamps, the senders' ports, the receivers' ports and, where the
arguments ask for the host's uptime (``""``), that uptime (checked against
``/proc/uptime`` instead). Also the library API the command line relies on
(``TrapSender(dedupe=False)``, raw varbinds, :class:`~snmp_component.traps.TrapInfo`'s
SNMPv1 fields), against the real snmptrapd and snmptrap.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Self

import pytest

from snmp_component import cli, cli_traps
from snmp_component._core import ber
from snmp_component.kernel import Event, Kernel, Session
from snmp_component.testing import V3_USERS, V3User
from snmp_component.toolformat import ToolFormat
from snmp_component.traps import SNMPTrapListener, TrapInfo, TrapSender
from snmp_component.varbind import VarList
from tests.test_cli import MIB_DIR, REPO
from tests.trapd import SNMPTRAPD

pytestmark = pytest.mark.skipif(
    shutil.which("snmptrap") is None or SNMPTRAPD is None or not MIB_DIR.is_dir(),
    reason="net-snmp's snmptrap/snmptrapd (or the MIB texts for -m ALL) are missing",
)  # fmt: skip

ENGINE = "0x8000000001020304"  # the senders' engine for SNMPv3 traps (snmptrap -e)
PRIV = next(u for u in V3_USERS if u.name == "privAESUser")  # SHA + AES
AUTH = next(u for u in V3_USERS if u.name == "authSHA256User")
HOST_UPTIME_OID = ".1.3.6.1.4.1.8072.9999.77"  # notifications sent with uptime ""
NET_SNMP = ["-m", "ALL", "-M", str(MIB_DIR)]


def _user_args(user: V3User, level: str | None = None) -> list[str]:
    level = level or user.level
    args = ["-v3", "-u", user.name, "-l", level]
    if level != "noAuthNoPriv":
        args += ["-a", str(user.auth_proto), "-A", str(user.auth_pass)]
    if level == "authPriv":
        args += ["-x", str(user.priv_proto), "-X", str(user.priv_pass)]
    return args


def _create_user(user: V3User, engine: str | None = None) -> str:
    line = ["createUser", *(["-e", engine] if engine else []), user.name]
    if user.auth_proto:
        line += [str(user.auth_proto), str(user.auth_pass)]
    if user.priv_proto:
        line += [str(user.priv_proto), str(user.priv_pass)]
    return " ".join(line)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


_HEADER = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (?!NET-SNMP)")


class Receiver:
    """A running ``snmptrapd -f -Lo`` or ``snmpc trapd``; its output lines."""

    def __init__(self, cmd: list[str], env: dict[str, str] | None = None) -> None:
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      text=True, env=env, cwd=REPO)  # fmt: skip
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._ready.wait(20):
            self.stop()
            raise RuntimeError(f"receiver did not start: {self.lines}")

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                if "NET-SNMP version" in line or "trapd listening on" in line:
                    self._ready.set()
                self._cond.notify_all()
        self._ready.set()

    def notifications(self) -> int:
        return sum(1 for line in self.lines if _HEADER.match(line))

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.notifications() < count and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
        time.sleep(0.05)  # the rest of the last notification's lines

    def stop(self) -> list[str]:
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
        try:
            self._proc.wait(10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._reader.join(5)
        return self.lines

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


@pytest.fixture
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="snmpc-notify-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def snmptrapd(workdir: Path, listen: str, *options: str) -> Receiver:
    """net-snmp's snmptrapd: every community, our SNMPv3 users (traps: under ENGINE)."""
    conf = workdir / f"snmptrapd-{_free_port()}.conf"
    conf.write_text("\n".join([_create_user(PRIV, ENGINE), _create_user(AUTH, ENGINE),
                               _create_user(PRIV), _create_user(AUTH)]) + "\n")  # fmt: skip
    env = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "SNMP_PERSISTENT_DIR": str(workdir / "p"),
           "HOME": str(workdir)}  # fmt: skip
    assert SNMPTRAPD is not None
    return Receiver([SNMPTRAPD, "-f", "-Lo", "-C", "-c", str(conf), "--disableAuthorization=yes",
                     *options, *NET_SNMP, listen], env)  # fmt: skip


def trapd(listen: str, *options: str) -> Receiver:
    """snmpc trapd for community public and the PRIV user."""
    return Receiver([sys.executable, "-m", "snmp_component", "trapd", *options, "-c", "public",
                     "-u", PRIV.name, "-a", str(PRIV.auth_proto), "-A", str(PRIV.auth_pass),
                     "-x", str(PRIV.priv_proto), "-X", str(PRIV.priv_pass), listen])  # fmt: skip


def in_process(command: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    """snmpc ``command`` run by :func:`snmp_component.cli.main` in this process (a start-up
    of the interpreter less; what it prints and returns is the same)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([command, *args])
    return subprocess.CompletedProcess([command, *args], code, out.getvalue(), err.getvalue())


def send(ours: bool, command: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    """snmpc ``command`` or net-snmp's snmptrap/snmpinform with ``args``."""
    if ours:
        cmd = [sys.executable, "-m", "snmp_component", command, *args]
    else:
        cmd = [f"snmp{command}", *NET_SNMP, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=REPO, check=False)


def masked(lines: list[str]) -> list[str]:
    """The notification lines with what moves between runs masked."""
    out = []
    for line in lines:
        if (
            "NET-SNMP version" in line
            or "Created directory" in line
            or line.startswith(("Stopping snmptrapd", "snmp_component trapd"))
        ):
            continue
        line = re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", "TIME ", line)
        line = re.sub(r"(\[[0-9a-f.:]+\]):\d+", r"\1:PORT", line)
        if "netSnmpExperimental.77" in line or ".1.3.6.1.4.1.8072.9999.77" in line:
            line = re.sub(r"Timeticks: \(\d+\) [^\t]*", "Timeticks: HOST", line, count=1)
        line = re.sub(r"Trap \(77\) Uptime: .*", "Trap (77) Uptime: HOST", line)
        out.append(line)
    return out


def _host_ticks(lines: list[str]) -> list[int]:
    """The uptimes of the notifications sent with uptime ``""``."""
    return [int(re.findall(r"Timeticks: \((\d+)\)", line)[0]) for line in lines
            if "netSnmpExperimental.77" in line or ".1.3.6.1.4.1.8072.9999.77" in line]  # fmt: skip


def _ticks(shown: str) -> int:
    """TimeTicks from net-snmp's ``[N day(s), ]H:MM:SS.CC``."""
    days = int(shown.split(" day")[0]) if " day" in shown else 0
    hours, minutes, seconds = shown.rsplit(" ", 1)[-1].split(":")
    return ((days * 24 + int(hours)) * 60 + int(minutes)) * 6000 + round(float(seconds) * 100)


def _proc_uptime() -> int:
    with open("/proc/uptime", encoding="ascii") as f:
        seconds, hundredths = f.read().split()[0].split(".")
    return int(seconds) * 100 + int(hundredths)


# -- senders --------------------------------------------------------------------------------------

V1_AGENT = ".1.3.6.1.4.1.8072 192.0.2.7"
NOTIFICATIONS: list[tuple[str, str]] = [
    # the audit's case: a sysUpTime.0 varbind of the user's is sent after the header
    ("trap", "-v2c -c public {A} 5 .1.3.6.1.4.1.8072.9999 sysUpTime.0 t 77 sysName.0 s x"),
    # every type letter, the MIB's checks, hints, enums, '=' and C's number parsing
    ("trap", "-v2c -c public {A} 5 .1.3.6.1.4.1.8072.9999 sysName.0 s 'x y' sysLocation.0 x "
             "'41 42' sysLocation.0 x 0x4142 sysContact.0 d '65.66 67' sysObjectID.0 o .1.3.6 "
             "ifSpeed.1 u 5 ifSpeed.1 u -1 ipAdEntAddr.1.2.3.4 a 127.1 ifInOctets.1 c 9 "
             "ifHCInOctets.1 C 10 ifHCInOctets.1 C -1 ifHCInOctets.1 C 12abc"),
    ("trap", "-v2c -c public {A} 5 .1.3.6.1.4.1.8072.9999 .1.3.6.1.4.1.8072.9999.1 F ' 2.5e1x' "
             ".1.3.6.1.4.1.8072.9999.2 D -2.25 .1.3.6.1.4.1.8072.9999.3 I 9223372036854775808 "
             ".1.3.6.1.4.1.8072.9999.3 I -129 .1.3.6.1.4.1.8072.9999.4 U -1 "
             ".1.3.6.1.4.1.8072.9999.4 U 128 .1.3.6.1.4.1.8072.9999.5 b '1 3 0x10' "
             ".1.3.6.1.4.1.8072.9999.6 i 4294967297 .1.3.6.1.4.1.8072.9999.7 u 4294967298"),
    ("trap", "-v2c -c public {A} 4294967296 .1.3.6.1.4.1.8072.9999 ifAdminStatus.1 i up "
             "ifAdminStatus.1 i 7 ifAdminStatus.1 = down ifIndex.1 = 3 sysName.0 = hello "
             "ifPhysAddress.1 s 00:11:22:aa:bb:cc ifPhysAddress.1 s zz ifAdminStatus.1 i ' 2' "
             "hrSystemDate.0 s 2024-1-2,3:4:5.6,+1:0 sysObjectID.0 = sysName.0 "
             ".1.3.6.1.4.1.8072.9999.2 n x .1.3.6.1.4.1.8072.9999.3 i -5 "
             "snmpTargetAddrTAddress.1 x '7f000001 00a1' sysName.0 s ''"),
    ("trap", f"-v2c -c public {{A}} '' {HOST_UPTIME_OID} ifIndex.1 i 1"),
    ("trap", "-v2c -c public {A} -1 IF-MIB::linkDown"),
    # values that start with "-" are values, not options
    ("trap", "-v2c -c public {A} 5 .1.3.6.1.4.1.8072.9999 .1.3.6.1.4.1.8072.9999.1 s -x "
             ".1.3.6.1.4.1.8072.9999.2 F -inf sysName.0 s -v"),
    ("trap", "-v1 -c public {A} .1.3.6.1.4.1.8072.9999 127.0.0.1 6 1 55 sysName.0 s -c "
             "sysLocation.0 s --x"),
    ("inform", "-v2c -c public {A} 777 IF-MIB::linkUp ifIndex.1 i 1 sysUpTime.0 t 5"),
    # SNMPv1: several varbinds, C's atoi/atol, the defaults of empty arguments
    ("trap", f"-v1 -c public {{A}} {V1_AGENT} 6 17 55 ifIndex.1 i 1 ifDescr.1 s lo "
             "sysUpTime.0 t 5"),
    ("trap", f"-v1 -c public {{A}} {V1_AGENT} 6x 1y 1z"),
    ("trap", "-v1 -c public {A} .1.3.6.1.4.1.8072 localhost 2 4294967297 -5"),
    ("trap", "-v1 -c public {A} '' '' 6 77 ''"),
    # SNMPv3: traps under our engine, informs discovering the receiver's
    ("trap", f"{' '.join(_user_args(PRIV))} -e {ENGINE} {{A}} 123 IF-MIB::linkDown ifIndex.2 i 2"),
    ("trap", f"{' '.join(_user_args(AUTH))} -e {ENGINE} {{A}} 124 IF-MIB::linkUp"),
    ("trap", f"{' '.join(_user_args(AUTH, 'noAuthNoPriv'))} -e {ENGINE} {{A}} 1 IF-MIB::linkUp"),
    ("inform", f"{' '.join(_user_args(PRIV))} {{A}} '' {HOST_UPTIME_OID}"),
    ("inform", f"{' '.join(_user_args(AUTH))} -n ctx {{A}} 126 IF-MIB::linkUp ifIndex.1 i 1"),
    # snmp_add_var's corners: the node net-snmp keeps (RFC1213-MIB's ipDefaultTTL: no range),
    # a float too large, a hexadecimal one, atoi's 32 bits, CHECK_OVERFLOW_S, a grown buffer
    ("trap", "-v2c -c public {A} 5 .1.3.6.1.4.1.8072.9999 ipDefaultTTL.0 i 0 "
             ".1.3.6.1.4.1.8072.9999.1 F 1e39 .1.3.6.1.4.1.8072.9999.1 F 0x1p3 "
             ".1.3.6.1.4.1.8072.9999.2 d '4294967296 99999999999999999999' "
             ".1.3.6.1.4.1.8072.9999.3 i -3000000000 .1.3.6.1.4.1.8072.9999.5 b 2048 "
             "mteTriggerTest.1.1 = '' .1.3.6.1.4.1.8072.9999.6 a 255.255.255.255"),
]  # fmt: skip


def _sent(ours: bool, workdir: Path) -> tuple[list[str], list[str], list[int]]:
    """The senders' stderr lines and exit codes, the receiver's lines, the host uptimes
    around the sends."""
    port = _free_port()
    results: list[str] = []
    with snmptrapd(workdir, f"udp:127.0.0.1:{port}") as receiver:
        before = _proc_uptime()
        for k, (command, args) in enumerate(NOTIFICATIONS):
            argv = shlex.split(args.replace("{A}", f"127.0.0.1:{port}"))
            # snmpc: every third as a command, the others in this process (faster)
            done = in_process(command, argv) if ours and k % 3 else send(ours, command, argv)
            results += [*done.stderr.splitlines(), f"{command} exit {done.returncode}"]
        after = _proc_uptime()
        receiver.wait_for(len(NOTIFICATIONS))
        lines = receiver.stop()
    return results, lines, [before, after]


def test_notifications_reach_snmptrapd_as_snmptraps(workdir: Path) -> None:
    mine_results, mine, (before, after) = _sent(True, workdir)
    ref_results, ref, _ = _sent(False, workdir)
    assert mine_results == ref_results
    assert masked(mine) == masked(ref)
    assert len(masked(mine)) >= 2 * len(NOTIFICATIONS)
    # uptime "": the host's uptime (/proc/uptime), as snmptrap's get_uptime()
    ticks = _host_ticks(mine)
    assert len(ticks) == 2 and all(before <= t <= after for t in ticks), (before, ticks, after)
    [v1_uptime] = [line.split("Uptime: ")[1] for line in mine if "Trap (77)" in line]
    assert before <= _ticks(v1_uptime) <= after, (before, v1_uptime, after)
    # an empty agent address: the host's first IPv4 address (get_myaddr), as snmptrap's
    # (the lines compared above)
    [v1_agent] = [line for line in mine if "(via UDP" in line and "enterprises.3.1.1" in
                  mine[mine.index(line) + 1]]  # fmt: skip
    assert v1_agent.split()[2] == socket.inet_ntoa(cli_traps.host_address())


ERRORS: list[tuple[str, str]] = [
    ("trap", "-v2c -c public {A}"),
    ("trap", "-v2c -c public {A} 12"),
    ("trap", "-v2c -c public {A} 12 nosuchxyz"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::nosuchxyz"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp ifIndex.1 i"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp ifIndex.1"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp nosuch.1 i 1"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp ifIndex.1 i abc"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp ifIndex.1 z 1"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp ifIndex.1 i 0"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp ifIndex.1 s x"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp sysName.0 i 1"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp sysName.0 x abc"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp sysName.0 x 41:42"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp sysName.0 d 300"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp sysName.0 '' x"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp sysObjectID.0 o nosuchxyz"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp ifSpeed.1 u abc"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp ipAdEntAddr.1.2.3.4 a 1.2.3.400"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp ifHCInOctets.1 C x"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp sysUpTime.0 = 100"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp ifAdminStatus.1 i ''"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp hrSystemDate.0 s 2024"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp ifType.1 i 6x"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp ifIndex.0 i 1"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp sysObjectID.0 o ifIndex.0"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp ipAdEntAddr.1.2.3.4 a 4294967295"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp sysName.0 3 5"),
    ("trap", "-v2c -c public {A} 12 IF-MIB::linkUp hrStorageIndex.1 s x"),
    ("trap", "-v2c -c public {A} 12 ifIndex.0"),
    ("trap", "-v1 -c public {A}"),
    ("trap", "-v1 -c public {A} .1.3.6.1.4.1.8072"),
    ("trap", "-v1 -c public {A} .1.3.6.1.4.1.8072 192.0.2.7"),
    ("trap", "-v1 -c public {A} .1.3.6.1.4.1.8072 192.0.2.7 6"),
    ("trap", "-v1 -c public {A} .1.3.6.1.4.1.8072 192.0.2.7 6 1"),
    ("trap", "-v1 -c public {A} .1.3.6.1.4.1.8072 no.such.host.invalid 6 1 1"),
    ("trap", "-v1 -c public {A} nosuchxyz 192.0.2.7 6 1 1"),
    ("inform", "-v1 -c public {A} 1 IF-MIB::linkUp"),
    ("inform", "-v1 -c public {A} .1.3.6.1.4.1.8072 192.0.2.7 6 1 1"),
    ("inform", "-t 0.3 -r 0 -v2c -c public {A} 1 IF-MIB::linkUp"),
    ("inform", f"-t 0.3 -r 1 {' '.join(_user_args(PRIV))} {{A}} 1 IF-MIB::linkUp"),
]


def _stderr_before_usage(text: str) -> list[str]:
    """stderr up to net-snmp's usage text (snmpc prints no usage; as its other tools)."""
    lines = text.splitlines()
    return lines[: lines.index("USAGE: snmptrap [OPTIONS] AGENT TRAP-PARAMETERS")] if (
        "USAGE: snmptrap [OPTIONS] AGENT TRAP-PARAMETERS" in lines) else lines  # fmt: skip


def test_argument_errors_and_timeouts_as_snmptrap() -> None:
    """Bad arguments (snmptrap's and snmp_add_var's messages), informs over SNMPv1 and
    informs nobody answers (a port nothing listens on): stderr and the exit code."""
    port = _free_port()
    for k, (command, args) in enumerate(ERRORS):
        argv = shlex.split(args.replace("{A}", f"127.0.0.1:{port}"))
        # the first and the last two (the timeouts) as commands, the others in this process
        mine = send(True, command, argv) if k in (0, len(ERRORS) - 2, len(ERRORS) - 1) else (
            in_process(command, argv))  # fmt: skip
        ref = send(False, command, argv)
        assert mine.stderr.splitlines() == _stderr_before_usage(ref.stderr), args
        assert mine.returncode == ref.returncode == 1, args
        assert mine.stdout == ref.stdout == "", args


# -- receivers ------------------------------------------------------------------------------------

TO_RECEIVERS: list[tuple[str, str]] = [
    ("trap", "-v2c -c public {A} 5 IF-MIB::linkDown ifIndex.1 i 1 ifDescr.1 s lo "
             "sysObjectID.0 o .1.3.6.1.4.1.8072.3.2.10 ifHCInOctets.1 C 5 sysUpTime.0 t 8640000"),
    ("trap", "-v2c -c public --clientaddr=127.0.0.5 {A} 17280000 IF-MIB::linkUp"),
    ("trap", f"-v1 -c public {{A}} {V1_AGENT} 6 17 55 ifIndex.1 i 1 ifPhysAddress.1 x 001122"),
    ("trap", f"-v1 -c public {{A}} {V1_AGENT} 6 17 55 snmpTrapAddress.0 a 10.0.0.1 "
             "snmpTrapEnterprise.0 o .1.3.6.1.4.1.9"),
    ("trap", f"-v1 -c public {{A}} {V1_AGENT} 2 0 8640001 snmpTrapEnterprise.0 o .1.3.6.1.4.1.9"),
    ("trap", "-v1 -c public {A} .1.3.6.1.4.1.8072.0 127.0.0.1 6 0 5"),
    ("trap", "-v1 -c public {A} 1.2.3 192.0.2.7 5 1 5"),
    ("trap", "-v2c -c public {A} 5 .1.3.6.1.4.1.8072.9999 .1.3.6.1.4.1.8072.9999.1 F 1.5 "
             ".1.3.6.1.4.1.8072.9999.2 D -2.25 .1.3.6.1.4.1.8072.9999.3 I -5 "
             ".1.3.6.1.4.1.8072.9999.4 U 7 .1.3.6.1.4.1.8072.9999.5 b '1 3 0x10'"),
    ("inform", "-v2c -c public {A} 5 IF-MIB::linkUp"),
    ("inform", f"{' '.join(_user_args(PRIV))} {{A}} 125 IF-MIB::linkUp ifIndex.1 i 1"),
    ("trap", f"{' '.join(_user_args(PRIV))} -e {ENGINE} {{A}} 123 IF-MIB::linkDown"),
]  # fmt: skip


def _received(ours: bool, workdir: Path, options: list[str], listen: str) -> list[str]:
    port = _free_port()
    where = f"{listen}:{port}"
    receiver = trapd(where, *options) if ours else snmptrapd(workdir, f"udp:{where}", *options)
    with receiver:
        for command, args in TO_RECEIVERS:
            argv = shlex.split(args.replace("{A}", f"127.0.0.1:{port}"))
            assert send(False, command, argv).returncode == 0, args
        receiver.wait_for(len(TO_RECEIVERS))
        return masked(receiver.stop())


@pytest.mark.parametrize(
    "options", [[], ["-Oq", "-Of"], ["-Ot", "-On"], ["-OQ", "-Os", "-Oe"], ["-OX", "-Oq"]]
)
def test_trapd_prints_what_snmptrapd_prints(workdir: Path, options: list[str]) -> None:
    """SNMPv1/v2c/v3 traps and informs from net-snmp's senders, received on a wildcard
    address (the transport shows each datagram's destination) with -O options."""
    listen = "0.0.0.0" if not options else "127.0.0.1"
    mine = _received(True, workdir, options, listen)
    ref = _received(False, workdir, options, listen)
    assert mine == ref
    assert sum(line.startswith("TIME ") for line in mine) == len(TO_RECEIVERS)
    if not options:
        assert any(line.startswith("TIME <UNKNOWN> [UDP: [127.0.0.5]") for line in mine)


def test_trapd_over_ipv6(workdir: Path) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("no ::1 here")
    outs = []
    for ours in (True, False):
        port = _free_port()
        receiver = (trapd(f"udp6:[::1]:{port}") if ours
                    else snmptrapd(workdir, f"udp6:[::1]:{port}"))  # fmt: skip
        with receiver:
            for args in (["-v2c", "-c", "public", f"udp6:[::1]:{port}", "5", "IF-MIB::linkUp"],
                         ["-v1", "-c", "public", f"udp6:[::1]:{port}", *V1_AGENT.split(), "6",
                          "17", "55"]):  # fmt: skip
                assert send(False, "trap", args).returncode == 0
            receiver.wait_for(2)
            outs.append(masked(receiver.stop()))
    assert outs[0] == outs[1]
    assert "(via UDP/IPv6: [::1]:PORT) TRAP, SNMP v1, community public" in outs[0][2]


def test_trapd_bare_values_keep_every_value(workdir: Path) -> None:
    """-Ov: every value, tab-separated (snmptrapd 5.9.3 prints only the last value of a
    notification, and of an SNMPv1 trap nothing else: sprint_realloc_variable empties the
    whole buffer; a documented difference)."""
    port = _free_port()
    with trapd(f"127.0.0.1:{port}", "-Ov") as receiver:
        for args in (["-v2c", "-c", "public", f"127.0.0.1:{port}", "5", "IF-MIB::linkUp",
                      "ifIndex.1", "i", "1"],
                     ["-v1", "-c", "public", f"127.0.0.1:{port}", *V1_AGENT.split(), "6", "17",
                      "55", "ifIndex.1", "i", "1", "ifDescr.1", "s", "lo"]):  # fmt: skip
            assert send(False, "trap", args).returncode == 0
        receiver.wait_for(2)
        lines = masked(receiver.stop())
    assert lines[1] == "Timeticks: (5) 0:00:00.05\tOID: IF-MIB::linkUp\tINTEGER: 1"
    assert lines[3] == "\tNET-SNMP-MIB::netSnmp Enterprise Specific Trap (17) Uptime: 0:00:00.55"
    assert lines[4] == "\tINTEGER: 1\tSTRING: lo"


def test_trapd_prints_in_arrival_order_however_long_names_take(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A sender whose reverse lookup is slow (127.0.0.5: no name, a DNS query where there
    is a resolver) is printed before the notification that arrived after it."""
    real = cli_traps._host_name

    async def host_name(ip: str) -> str:
        if ip == "127.0.0.5":
            await asyncio.sleep(0.5)
        return await real(ip)

    monkeypatch.setattr(cli_traps, "_host_name", host_name)
    port, out = _free_port(), io.StringIO()

    async def run() -> None:
        receiving = asyncio.create_task(
            cli_traps.listen(
                f"127.0.0.1:{port}", {"Communities": ["public"]}, ToolFormat(), out, stop_after=2
            )
        )
        await asyncio.sleep(0)  # it binds and says so before its first await
        assert "listening" in out.getvalue()
        for uptime, source in (("1", ["--clientaddr=127.0.0.5"]), ("2", [])):
            args = ["-v2c", "-c", "public", *source, f"127.0.0.1:{port}", uptime, ".1.3.6"]
            done = await asyncio.to_thread(send, False, "trap", args)
            assert done.returncode == 0, done.stderr
        await asyncio.wait_for(receiving, 10)  # fmt: skip

    asyncio.run(run())
    times = [line for line in out.getvalue().splitlines() if _HEADER.match(line)]
    assert [line.split("UDP: [")[1][:9] for line in times] == ["127.0.0.5", "127.0.0.1"]


def test_trapd_listen_addresses() -> None:
    assert cli_traps.listen_address("udp:1162") == ("0.0.0.0", 1162)
    assert cli_traps.listen_address("1162") == ("0.0.0.0", 1162)
    assert cli_traps.listen_address("udp6:[::1]:1162") == ("::1", 1162)
    assert cli_traps.listen_address("udp6:1162") == ("::", 1162)
    assert cli_traps.listen_address("127.0.0.1") == ("127.0.0.1", 162)
    assert cli_traps.listen_address("[::1]:5") == ("::1", 5)
    assert cli_traps.listen_address("udp:localhost:7") == ("localhost", 7)


# -- the library API under it ---------------------------------------------------------------------


def _listen_once(kernel: Kernel, got: list[tuple[str, VarList, TrapInfo]]) -> SNMPTrapListener:
    listener = SNMPTrapListener.create(kernel, Alias="traps", LocalAddr="0.0.0.0")

    def on_trap(ev: Event) -> None:
        _source, version, varlist, info = ev.args
        got.append((version, varlist, info))
        ev.kernel.stop()

    Session.create(kernel, {"_start": lambda ev: ev.kernel.post("traps", "subscribe", "trap"),
                            "trap": on_trap})  # fmt: skip
    return listener


def test_trap_info_carries_the_v1_trap() -> None:
    """A v1 trap from snmptrap carrying its own snmpTrapAddress.0: TrapInfo has the trap's
    fields, ``appended`` the one varbind RFC 3584 added, ``local`` the destination."""
    kernel = Kernel()
    got: list[tuple[str, VarList, TrapInfo]] = []
    listener = _listen_once(kernel, got)
    args = [*NET_SNMP, "-v1", "-c", "public", f"127.0.0.1:{listener.port}",
            ".1.3.6.1.4.1.8072", "192.0.2.7", "2", "0", "55", "snmpTrapAddress.0", "a",
            "10.0.0.1"]  # fmt: skip
    timer = threading.Timer(0.2, lambda: subprocess.run(["snmptrap", *args], check=True))
    timer.start()
    asyncio.run(asyncio.wait_for(kernel.run_async(), 10))
    timer.join()
    [(version, varlist, info)] = got
    assert version == "1" and info.pdu == "trap-v1"
    assert info.enterprise == (1, 3, 6, 1, 4, 1, 8072) and info.agent_addr == "192.0.2.7"
    assert (info.generic_trap, info.specific_trap, info.appended) == (2, 0, 1)
    assert info.local == ("127.0.0.1", listener.port)
    own = varlist[2 : len(varlist) - info.appended]
    assert [(vb.tag, vb.val) for vb in own] == [("snmpTrapAddress", "10.0.0.1")]


def test_trap_sender_dedupe_and_raw_varbinds(workdir: Path) -> None:
    """``dedupe`` (default): a sysUpTime.0 / snmpTrapOID.0 among the varbinds is dropped;
    ``dedupe=False`` sends it as snmptrap does; raw ``(oid, tag, value)`` varbinds."""
    port = _free_port()
    raw = [((1, 3, 6, 1, 2, 1, 1, 3, 0), ber.TIMETICKS, 77),
           ((1, 3, 6, 1, 2, 1, 1, 5, 0), ber.OCTET_STRING, b"x")]  # fmt: skip

    async def main() -> None:
        async with TrapSender(DestHost="127.0.0.1", RemotePort=port) as sender:
            await sender.send_trap("linkUp", raw, 5)
            await sender.send_trap("linkUp", raw, 5, dedupe=False)
            await sender.inform("linkUp", [["sysUpTime", 0, 9, "TICKS"]], 5, dedupe=False)

    with snmptrapd(workdir, f"udp:127.0.0.1:{port}", "-Os") as receiver:
        asyncio.run(main())
        receiver.wait_for(3)
        lines = masked(receiver.stop())
    head = "sysUpTimeInstance = Timeticks: (5) 0:00:00.05\tsnmpTrapOID.0 = OID: linkUp"
    assert lines[1] == f"{head}\tsysName.0 = STRING: x"
    assert lines[3] == f"{head}\tsysUpTimeInstance = Timeticks: (77) 0:00:00.77\t" + (
        "sysName.0 = STRING: x"
    )
    assert lines[5] == f"{head}\tsysUpTimeInstance = Timeticks: (9) 0:00:00.09"


def test_unknown_receiver_is_named() -> None:
    """A receiver that does not resolve: exit 1 before the arguments are read, as snmptrap
    (whose message is ``snmptrap: `` with no reason: snmpc says which host, in snmpget's
    words)."""
    for command in ("trap", "inform"):
        args = ["-v2c", "-c", "public", "nosuchhost.invalid", "12"]  # (no trap OID either)
        mine, ref = in_process(command, args), send(False, command, args)
        assert mine.returncode == ref.returncode == 1
        assert ref.stderr == "snmptrap: \n"
        assert mine.stderr == f"snmp{command}: Unknown host (nosuchhost.invalid)\n"
