"""Launch a throw-away net-snmp ``snmpd`` on loopback for tests, examples and benchmarks.

Typical use::

    with SnmpdAgent() as agent:          # free UDP port on 127.0.0.1, waits until it answers
        poll(agent.address, community="public")

Each :class:`SnmpdAgent` gets its own temporary directory (``tempfile.mkdtemp(prefix="snmpd-")``)
holding the generated configuration, the log file, the pid file and the persistent state, so the
agent never reads ``/etc/snmp`` nor reads or writes ``/var/lib/snmp``. ``snmpd`` runs as a
foreground child process::

    snmpd -f -C -c <workdir>/anchor-snmpd.conf -A -Lf <workdir>/snmpd.log -p <workdir>/snmpd.pid
          -I -smux -M /dev/null -m "" udp:127.0.0.1:<port>

* ``-C -c FILE``: read only our file (no default config search path).
* ``-I -smux``: the SMUX module would otherwise listen on TCP 0.0.0.0:199 (as root), which is
  needless exposure and makes two agents fight over the port.
* ``-M /dev/null -m ""`` (plus ``MIBS=""``/``MIBDIRS=/dev/null``): the agent does not need MIB
  files; without this, a host with the partial Debian MIB set logs hundreds of parse errors.
* Environment: ``SNMP_PERSISTENT_DIR=<workdir>/persist`` (it must NOT be the directory of the
  config file: snmpd saves its persistent data as ``$SNMP_PERSISTENT_DIR/snmpd.conf`` and would
  clobber a config file of that name) and ``SNMPCONFPATH=<workdir>``.
* No ``-u``/``-g`` and no ``agentuser``: run as root it simply stays root (it only binds
  loopback); as a normal user it needs nothing privileged either.

Configuration: communities ``public`` (read-only) and ``private`` (read-write), restricted to
127.0.0.1 and ::1, one view ``.1``; ``sysName``/``sysContact``/``sysLocation`` set from
:data:`SYS_NAME`, :data:`SYS_CONTACT`, :data:`SYS_LOCATION` (which makes those objects
notWritable, on purpose); ``dontLogTCPWrappersConnects yes`` (no log line per request); the SNMPv3
users of :data:`V3_USERS`.

SNMPv3 protocols, verified against Debian's net-snmp 5.9.3 ``snmpd`` with one
``createUser`` per combination and an ``snmpget`` per user:

* Auth accepted: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512 (``SHA1``/``SHA-1`` are aliases of
  SHA). Rejected: ``SHA-128`` (log: ``Error: unknown authProtocol``).
* Priv accepted: DES, AES (alias ``AES-128``), AES-192, AES-256, AES-192-C, AES-256-C -- every one
  of them with every auth protocol (42 combinations answered). Rejected: ``3DES`` and
  ``DES-CBC`` (log: ``Error: unknown privProtocol``; ``snmpget -x 3DES`` also refuses:
  ``Invalid privacy protocol specified after -3x flag``).
* AES-192/AES-256 key extension: net-snmp ``AES-192``/``AES-256`` use the Blumenthal key
  extension and match pysnmp ``USM_PRIV_CFB192_AES_BLUMENTHAL``/``USM_PRIV_CFB256_AES_BLUMENTHAL``;
  ``AES-192-C``/``AES-256-C`` ("Cisco") use the Reeder extension and match pysnmp
  ``USM_PRIV_CFB192_AES``/``USM_PRIV_CFB256_AES``. The difference only shows when the auth hash is
  shorter than the key (e.g. SHA with AES-192/256); with SHA-512 both pysnmp variants interoperate.

Start-up (until the first answer) takes about 0.1 s; almost all of it is the password-to-key
hashing of the ``createUser`` lines (about 3 ms per key).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Literal, NoReturn, Self

from .._core.secret import secret_str

__all__ = [
    "AUTH_PASS",
    "PRIV_PASS",
    "RO_COMMUNITY",
    "RW_COMMUNITY",
    "SYS_CONTACT",
    "SYS_LOCATION",
    "SYS_NAME",
    "SYS_NAME_OID",
    "V3_USERS",
    "SnmpdAgent",
    "V3User",
]

SYS_NAME = "anchor-agent"
"""Value of sysName.0 (read-only because it is set in the config)."""
SYS_CONTACT = "ops@example.invalid"
"""Value of sysContact.0 (notWritable because it is set in the config)."""
SYS_LOCATION = "Anchor Lab"
"""Value of sysLocation.0 (notWritable because it is set in the config)."""
SYS_NAME_OID = "1.3.6.1.2.1.1.5.0"
"""sysName.0, the object polled to decide that the agent is up."""

RO_COMMUNITY = "public"
"""Read-only community (v1/v2c), accepted from 127.0.0.1 and ::1."""
RW_COMMUNITY = "private"
"""Read-write community (v1/v2c), accepted from 127.0.0.1 and ::1."""
SOURCE_COMMUNITY = "fromtwo"
"""Read-only community accepted only from 127.0.0.2 (tests of a fixed source address)."""

AUTH_PASS = "authpass123"
"""Authentication pass phrase of every SNMPv3 user that authenticates."""
PRIV_PASS = "privpass123"
"""Privacy pass phrase of every SNMPv3 user that encrypts."""

SecurityLevel = Literal["noAuthNoPriv", "authNoPriv", "authPriv"]
AuthProto = Literal["MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"]
PrivProto = Literal["DES", "AES", "AES-192", "AES-256", "AES-192-C", "AES-256-C"]

_DEFAULT_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 5.0
_PORT_ATTEMPTS = 5
_LOG_TAIL_LINES = 40
_BIND_ERROR = "Error opening specified endpoint"


@dataclass(frozen=True)
class V3User:
    """An SNMPv3 (USM) user configured in the agent.

    Attributes:
        name: USM user name.
        level: Minimum security level the agent requires for this user.
        auth_proto: Authentication protocol in net-snmp spelling (``"SHA-256"``), or None.
        auth_pass: Authentication pass phrase, or None.
        priv_proto: Privacy protocol in net-snmp spelling (``"AES-256"``), or None.
        priv_pass: Privacy pass phrase, or None.
        read_write: True for ``rwuser`` (may SET), False for ``rouser``.
    """

    name: str
    level: SecurityLevel
    auth_proto: AuthProto | None = None
    auth_pass: str | None = field(default=None, repr=False)
    priv_proto: PrivProto | None = None
    priv_pass: str | None = field(default=None, repr=False)
    read_write: bool = False

    def __post_init__(self) -> None:
        """Keep the pass phrases as SecretStr: ``'***'`` in every repr."""
        object.__setattr__(self, "auth_pass", secret_str(self.auth_pass))
        object.__setattr__(self, "priv_pass", secret_str(self.priv_pass))

    def config_lines(self) -> list[str]:
        """Return the ``createUser`` and ``rouser``/``rwuser`` lines for snmpd.conf."""
        create = ["createUser", self.name]
        if self.auth_proto is not None and self.auth_pass is not None:
            create += [self.auth_proto, self.auth_pass]
            if self.priv_proto is not None and self.priv_pass is not None:
                create += [self.priv_proto, self.priv_pass]
        min_level = {"noAuthNoPriv": "noauth", "authNoPriv": "auth", "authPriv": "priv"}
        access = "rwuser" if self.read_write else "rouser"
        return [" ".join(create), f"{access} {self.name} {min_level[self.level]}"]

    def net_snmp_args(self) -> list[str]:
        """Return the security options for net-snmp CLI tools (``snmpget`` and friends).

        Returns:
            For example ``["-v3", "-l", "authPriv", "-u", "privAESUser", "-a", "SHA",
            "-A", "authpass123", "-x", "AES", "-X", "privpass123"]``.
        """
        args = ["-v3", "-l", self.level, "-u", self.name]
        if self.auth_proto is not None and self.auth_pass is not None:
            args += ["-a", self.auth_proto, "-A", self.auth_pass]
        if self.priv_proto is not None and self.priv_pass is not None:
            args += ["-x", self.priv_proto, "-X", self.priv_pass]
        return args


def _auth(name: str, proto: AuthProto) -> V3User:
    return V3User(name, "authNoPriv", proto, AUTH_PASS)


def _priv(name: str, auth: AuthProto, priv: PrivProto) -> V3User:
    return V3User(name, "authPriv", auth, AUTH_PASS, priv, PRIV_PASS, read_write=True)


V3_USERS: tuple[V3User, ...] = (
    V3User("noAuthUser", "noAuthNoPriv"),
    # authNoPriv, read-only: auth<AUTH>User
    _auth("authMD5User", "MD5"),
    _auth("authSHAUser", "SHA"),
    _auth("authSHA224User", "SHA-224"),
    _auth("authSHA256User", "SHA-256"),
    _auth("authSHA384User", "SHA-384"),
    _auth("authSHA512User", "SHA-512"),
    # authPriv, read-write: priv<PRIV>User with SHA auth, priv<AUTH>_<PRIV>User otherwise
    _priv("privDESUser", "SHA", "DES"),
    _priv("privAESUser", "SHA", "AES"),
    _priv("privAES192User", "SHA", "AES-192"),
    _priv("privAES256User", "SHA", "AES-256"),
    _priv("privAES192CUser", "SHA", "AES-192-C"),
    _priv("privAES256CUser", "SHA", "AES-256-C"),
    _priv("privMD5_AESUser", "MD5", "AES"),
    _priv("sha256User", "SHA-256", "AES"),  # name fixed by the peer benchmark config
    _priv("privSHA512_AES256User", "SHA-512", "AES-256"),
)
"""All SNMPv3 users of the agent: noAuthNoPriv and authNoPriv users are read-only, authPriv
users read-write. Pass phrases are :data:`AUTH_PASS` and :data:`PRIV_PASS`."""


# --- a minimal SNMPv2c GetRequest / Response codec for the readiness probe ---------------------


def _ber_len(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _tlv(tag: int, payload: bytes) -> bytes:
    return bytes([tag]) + _ber_len(len(payload)) + payload


def _ber_int(value: int) -> bytes:
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


def _ber_oid(dotted: str) -> bytes:
    arcs = [int(arc) for arc in dotted.split(".")]
    body = bytearray([arcs[0] * 40 + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body += bytes(reversed(chunk))
    return _tlv(0x06, bytes(body))


def _v2c_get(community: str, request_id: int, oid: str) -> bytes:
    varbinds = _tlv(0x30, _tlv(0x30, _ber_oid(oid) + b"\x05\x00"))
    pdu = _tlv(0xA0, _ber_int(request_id) + _ber_int(0) + _ber_int(0) + varbinds)
    return _tlv(0x30, _ber_int(1) + _tlv(0x04, community.encode()) + pdu)


def _read_tlv(data: bytes, pos: int) -> tuple[int, int, int]:
    """Return (tag, start of value, end of value) of the TLV at ``pos``."""
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise ValueError("truncated BER")
    return tag, pos, pos + length


def _response_request_id(data: bytes) -> int | None:
    """Return the request-id of an error-free SNMP Response message, else None."""
    try:
        tag, pos, _ = _read_tlv(data, 0)
        if tag != 0x30:
            return None
        _, _, pos = _read_tlv(data, pos)  # version
        _, _, pos = _read_tlv(data, pos)  # community
        tag, pos, _ = _read_tlv(data, pos)
        if tag != 0xA2:  # GetResponse-PDU
            return None
        tag, start, pos = _read_tlv(data, pos)
        request_id = int.from_bytes(data[start:pos], "big", signed=True)
        tag, start, pos = _read_tlv(data, pos)
        error_status = int.from_bytes(data[start:pos], "big", signed=True)
    except (IndexError, ValueError):
        return None
    return request_id if error_status == 0 else None


# --- the launcher --------------------------------------------------------------------------------


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _free_udp_port(host: str) -> int:
    with socket.socket(_family(host), socket.SOCK_DGRAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _find_snmpd() -> str | None:
    found = shutil.which("snmpd")
    if found:
        return found
    for candidate in ("/usr/sbin/snmpd", "/usr/local/sbin/snmpd", "/sbin/snmpd"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


_LIVE_AGENTS: set[SnmpdAgent] = set()


@atexit.register
def _stop_live_agents() -> None:
    """Safety net: never leave an snmpd running when the interpreter exits."""
    for agent in list(_LIVE_AGENTS):
        agent.stop()


class SnmpdAgent:
    """A net-snmp ``snmpd`` child process listening on loopback.

    The agent is configured as described in the module docstring. It can be used as a context
    manager (``with SnmpdAgent() as agent: ...``) or with explicit :meth:`start`/:meth:`stop`.
    An ``atexit`` hook stops any agent still running when the interpreter exits.

    Attributes:
        host: Address the readiness probe (and, by default, the agent) uses.
        port: UDP port of the agent. Chosen at random when not given; it may change during
            :meth:`start` if snmpd lost the race for the port and had to be retried.
        extra_config: Text appended verbatim to the generated snmpd.conf.
        executable: Path of the snmpd binary (found on PATH or in the usual sbin directories).
        startup_seconds: How long the last successful :meth:`start` took, or None.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int | None = None,
        extra_config: str = "",
        listen: list[str] | None = None,
        *,
        executable: str | None = None,
        start_timeout: float = _DEFAULT_START_TIMEOUT,
    ) -> None:
        """Describe an agent; nothing is started until :meth:`start`.

        Args:
            host: Loopback address to listen on and to probe (``"127.0.0.1"`` or ``"::1"``).
            port: UDP port, or None to pick a free one.
            extra_config: snmpd.conf text appended after the generated configuration (do not put
                ``agentAddress`` here; use ``listen``).
            listen: Listening addresses replacing the default ``udp:HOST:PORT``
                (``udp6:[HOST]:PORT`` for IPv6). ``{port}`` in an entry is replaced by the port,
                e.g. ``["udp:127.0.0.1:{port}", "udp6:[::1]:{port}"]``. One of them must be
                reachable at ``(host, port)``, which is what the readiness probe polls.
            executable: snmpd binary; default: ``snmpd`` on PATH, else ``/usr/sbin/snmpd`` etc.
            start_timeout: Seconds :meth:`start` waits for the first answer.
        """
        self.host = host
        self._auto_port = port is None
        self.port: int = _free_udp_port(host) if port is None else port
        self.extra_config = extra_config
        self._listen = list(listen) if listen is not None else None
        self.executable = executable if executable is not None else _find_snmpd()
        self.start_timeout = start_timeout
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._workdir: Path | None = None

    # -- properties ------------------------------------------------------------------------------

    @property
    def address(self) -> tuple[str, int]:
        """``(host, port)`` of the agent, ready for a UDP transport."""
        return (self.host, self.port)

    @property
    def pid(self) -> int | None:
        """Process id of the running snmpd, or None when not running."""
        if self._proc is None or self._proc.poll() is not None:
            return None
        return self._proc.pid

    @property
    def running(self) -> bool:
        """True while the snmpd child process is alive."""
        return self.pid is not None

    @property
    def workdir(self) -> Path:
        """Temporary directory of the agent (removed by :meth:`stop`)."""
        if self._workdir is None:
            raise RuntimeError("SnmpdAgent has not been started")
        return self._workdir

    @property
    def config_path(self) -> Path:
        """Path of the generated snmpd configuration file."""
        return self.workdir / "anchor-snmpd.conf"

    @property
    def log_path(self) -> Path:
        """Path of the snmpd log file (snmpd's ``-Lf`` log plus its stdout/stderr)."""
        return self.workdir / "snmpd.log"

    @property
    def listen(self) -> list[str]:
        """snmpd listening addresses (``agentAddress`` list) for the current port."""
        if self._listen is not None:
            return [entry.replace("{port}", str(self.port)) for entry in self._listen]
        if _family(self.host) == socket.AF_INET6:
            return [f"udp6:[{self.host}]:{self.port}"]
        return [f"udp:{self.host}:{self.port}"]

    @property
    def command(self) -> list[str]:
        """The snmpd command line used by :meth:`start`."""
        return [
            self.executable or "snmpd",
            "-f",
            "-C",
            "-c",
            str(self.config_path),
            "-A",
            "-Lf",
            str(self.log_path),
            "-p",
            str(self.workdir / "snmpd.pid"),
            "-I",
            "-smux",
            "-M",
            "/dev/null",
            "-m",
            "",
            *self.listen,
        ]

    # -- configuration ---------------------------------------------------------------------------

    def config_text(self) -> str:
        """Return the snmpd.conf content this agent runs with."""
        lines = [
            "# generated by snmp_component.testing.snmpd",
            f"rocommunity {RO_COMMUNITY} 127.0.0.1",
            f"rwcommunity {RW_COMMUNITY} 127.0.0.1",
            f"rocommunity6 {RO_COMMUNITY} ::1",
            f"rwcommunity6 {RW_COMMUNITY} ::1",
            f"rocommunity {SOURCE_COMMUNITY} 127.0.0.2/32",
            "view all included .1",
            f"sysName {SYS_NAME}",
            f"sysContact {SYS_CONTACT}",
            f"sysLocation {SYS_LOCATION}",
            "dontLogTCPWrappersConnects yes",
            "",
            "# SNMPv3 users",
        ]
        for user in V3_USERS:
            lines += user.config_lines()
        text = "\n".join(lines) + "\n"
        if self.extra_config:
            text += "\n# extra_config\n" + self.extra_config
            if not self.extra_config.endswith("\n"):
                text += "\n"
        return text

    # -- life cycle ------------------------------------------------------------------------------

    def start(self) -> None:
        """Start snmpd and wait until it answers an SNMPv2c GET for sysName.0.

        Raises:
            RuntimeError: snmpd is missing, exited, or did not answer within ``start_timeout``
                seconds; the message includes the command line and the tail of the log.
        """
        if self._proc is not None:
            raise RuntimeError("SnmpdAgent already started")
        if self.executable is None:
            raise RuntimeError(
                "snmpd (net-snmp agent) not found on PATH nor in /usr/sbin, /usr/local/sbin; "
                "install it (Debian/Ubuntu: apt-get install snmpd)"
            )
        began = time.monotonic()
        self._workdir = Path(tempfile.mkdtemp(prefix="snmpd-"))
        persist_dir = self._workdir / "persist"
        persist_dir.mkdir()
        env = dict(os.environ)
        env.pop("SNMP_PERSISTENT_FILE", None)
        env.update(
            SNMP_PERSISTENT_DIR=str(persist_dir),
            SNMPCONFPATH=str(self._workdir),
            MIBS="",
            MIBDIRS="/dev/null",
        )
        attempts = _PORT_ATTEMPTS if self._auto_port else 1
        try:
            for attempt in range(1, attempts + 1):
                if self._launch(env, began, may_retry=attempt < attempts):
                    return
                self._kill()  # lost the race for the port: try another one
                self.port = _free_udp_port(self.host)
        except BaseException:
            self.stop()  # never leave a half-started agent behind (also on Ctrl-C)
            raise

    def _launch(self, env: dict[str, str], began: float, *, may_retry: bool) -> bool:
        """Run snmpd once; True when it answers, False when it could not bind (if may_retry).

        Raises:
            RuntimeError: Any other failure.
        """
        self.config_path.write_text(self.config_text())
        self.log_path.write_bytes(b"")
        with self.log_path.open("ab") as log:
            try:
                self._proc = subprocess.Popen(
                    self.command,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                )
            except OSError as exc:
                self._fail(f"cannot execute snmpd: {exc}")
        _LIVE_AGENTS.add(self)
        outcome = self._wait_ready(began + self.start_timeout)
        if outcome == "ready":
            self.startup_seconds = time.monotonic() - began
            return True
        if outcome == "exited":
            if may_retry and _BIND_ERROR in self._log_tail():
                return False
            self._fail(f"snmpd exited with status {self._returncode()}")
        self._fail(
            f"snmpd did not answer on {self.host}:{self.port} within {self.start_timeout:g} s"
        )

    def stop(self) -> None:
        """Stop snmpd (SIGTERM, then SIGKILL after 5 s) and remove its directory. Idempotent."""
        self._kill()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> Self:
        """Start the agent and return it."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the agent."""
        self.stop()

    def __repr__(self) -> str:
        """Return e.g. ``<SnmpdAgent 127.0.0.1:40123 pid=4242>``."""
        return f"<SnmpdAgent {self.host}:{self.port} pid={self.pid}>"

    # -- internals -------------------------------------------------------------------------------

    def _wait_ready(self, deadline: float) -> Literal["ready", "exited", "timeout"]:
        assert self._proc is not None
        sent: set[int] = set()
        request_id = 0x5A00
        wait = 0.02
        with socket.socket(_family(self.host), socket.SOCK_DGRAM) as sock:
            sock.connect((self.host, self.port))
            while True:
                if self._proc.poll() is not None:
                    return "exited"
                if time.monotonic() > deadline:
                    return "timeout"
                request_id += 1
                sent.add(request_id)
                sock.settimeout(wait)
                try:
                    sock.send(_v2c_get(RO_COMMUNITY, request_id, SYS_NAME_OID))
                    while True:  # drain until timeout; accept any answer to any of our probes
                        if _response_request_id(sock.recv(65535)) in sent:
                            return "ready"
                except TimeoutError:
                    wait = min(wait * 2, 0.25)
                except OSError:  # ICMP port unreachable: not bound yet
                    time.sleep(0.01)

    def _returncode(self) -> int | None:
        return None if self._proc is None else self._proc.poll()

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        _LIVE_AGENTS.discard(self)
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError as exc:
            return f"<cannot read {self.log_path}: {exc}>"
        return "\n".join(lines[-_LOG_TAIL_LINES:]) or "<empty>"

    def _fail(self, reason: str) -> NoReturn:
        command = shlex.join(self.command)
        tail = self._log_tail()
        log_path = self.log_path
        self.stop()
        raise RuntimeError(f"{reason}\n  command: {command}\n  log tail ({log_path}):\n{tail}")
