"""Launch net-snmp's ``snmptrapd`` in the foreground on a free loopback port (tests only).

Every notification it receives becomes one :class:`Received` (parsed from a ``-F`` format
line on its stdout)::

    with SnmpTrapd(users=["createUser -e 0x80... u SHA authpass123 AES privpass123"]) as d:
        ...send to ("127.0.0.1", d.port)...
        got = d.wait_for(1)
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self

SNMPTRAPD = shutil.which("snmptrapd") or shutil.which("snmptrapd", path="/usr/sbin:/sbin")
"""net-snmp's snmptrapd (in /usr/sbin, which a user's PATH may leave out), or ``None``."""

FORMAT = r"TRAP|%P|%N|%w|%q|%v\n"


@dataclass
class Received:
    """One notification as snmptrapd printed it (numeric OIDs, ``-On``)."""

    security: str  # e.g. "TRAP2, SNMP v2c, community public" / "INFORM, SNMP v2c, ..."
    enterprise: str
    generic: str
    specific: str
    varbinds: list[tuple[str, str]] = field(default_factory=list)  # (oid, "TYPE: value")

    def value(self, oid: str) -> str | None:
        for name, val in self.varbinds:
            if name == oid:
                return val
        return None


def _parse(line: str) -> Received | None:
    if not line.startswith("TRAP|"):
        return None
    parts = line.rstrip("\n").split("|", 5)
    if len(parts) < 6:
        return None
    varbinds: list[tuple[str, str]] = []
    for item in parts[5].split("\t"):
        if " = " in item:
            name, val = item.split(" = ", 1)
            varbinds.append((name, val))
    return Received(parts[1], parts[2], parts[3], parts[4], varbinds)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class SnmpTrapd:
    """A foreground snmptrapd with ``disableAuthorization yes`` and a temp config."""

    def __init__(self, extra_config: list[str] | None = None) -> None:
        self.extra_config = extra_config or []
        self.port = 0
        self.received: list[Received] = []
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self._proc: subprocess.Popen[str] | None = None
        self._dir: Path | None = None
        self._reader: threading.Thread | None = None
        self._ready = threading.Event()

    def start(self, timeout: float = 10.0) -> None:
        exe = SNMPTRAPD
        if exe is None:
            raise RuntimeError("snmptrapd not installed (Debian package snmptrapd)")
        self._dir = Path(tempfile.mkdtemp(prefix="snmptrapd-"))
        conf = self._dir / "snmptrapd.conf"
        conf.write_text("\n".join(["disableAuthorization yes", *self.extra_config]) + "\n")
        self.port = _free_port()
        env = {
            "PATH": "/usr/bin:/bin:/usr/sbin:/sbin",
            "SNMP_PERSISTENT_DIR": str(self._dir / "persist"),
            "SNMPCONFPATH": str(self._dir),
            "MIBS": "",
            "MIBDIRS": "/dev/null",
        }
        cmd = [exe, "-f", "-C", "-c", str(conf), "-Lo", "-n", "-On", "-M", "/dev/null",
               "-m", "", "-F", FORMAT, f"udp:127.0.0.1:{self.port}"]  # fmt: skip
        self._proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._ready.wait(timeout):
            self.stop()
            raise RuntimeError(f"snmptrapd did not start: {self.lines[-20:]}")
        time.sleep(0.05)

    def _read(self) -> None:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        for line in proc.stdout:
            with self._cond:
                self.lines.append(line)
                if "NET-SNMP version" in line:
                    self._ready.set()
                got = _parse(line)
                if got is not None:
                    self.received.append(got)
                self._cond.notify_all()
        self._ready.set()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The notifications so far, once there are ``count`` (or after ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return list(self.received)

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._reader is not None:
            self._reader.join(5)
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
