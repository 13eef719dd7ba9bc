"""``SNMPComponent.create()`` keywords: normalisation, defaults and validation.

Keyword names are net-snmp ``SNMP::Session`` names matched ignoring case, ``-`` and ``_``
(``DestHost``, ``desthost``, ``dest_host``, ``-DestHost``); ``hostname`` is a synonym of
``DestHost``. Everything is checked here, before any socket or engine exists, and every
problem is a :class:`~snmp_component.errors.ConfigurationError` that names the keyword.
Keyword matching and the SNMPv3 keywords (``SecName`` ... ``SecEngineId``) are
:mod:`snmp_component.credentials`' rules and messages, the same for the trap sender, the
trap listener's ``Users`` and the pysnmp engine; what pysnmp's engine would refuse later
(``Retries`` over 255 ...) is refused here too.

Secrets (communities, pass phrases) never appear in a message or a ``repr``: messages name
the keyword, never echo a value that may be a secret (a pass phrase given to ``AuthProto`` by
mistake included), and :class:`SessionOptions` keeps them as :class:`SecretBytes` /
:class:`SecretStr`, whose ``repr`` is ``'***'`` wherever they travel (copies into senders,
``dataclasses.asdict``, containers, exception arguments).
"""

from __future__ import annotations

import ipaddress
import logging
import math
import socket
from dataclasses import dataclass, field
from typing import Any, Final

from . import credentials
from ._core.plans import MAX_REQUESTS, MAX_ROWS
from ._core.secret import secret_bytes, secret_str
from .credentials import (
    AUTH_PROTOCOLS,
    PRIV_PROTOCOLS,
    SEC_LEVELS,
    Credentials,
    normalise_key,
    normalise_keywords,
)
from .errors import ConfigurationError

__all__ = [
    "AUTH_PROTOCOLS",
    "KEYWORDS",
    "PRIV_PROTOCOLS",
    "PYSNMP_MAX_RETRIES",
    "PYSNMP_MAX_TIMEOUT",
    "SEC_LEVELS",
    "SYNONYMS",
    "SessionOptions",
    "normalise_key",
    "parse_flag",
    "parse_options",
    "split_host",
    "split_local",
]

log = logging.getLogger("snmp_component")

KEYWORDS: Final = (
    "Alias",
    "DestHost",
    "RemotePort",
    "Community",
    "Version",
    "Timeout",
    "Retries",
    "SecName",
    "SecLevel",
    "AuthProto",
    "AuthPass",
    "PrivProto",
    "PrivPass",
    "Context",
    "ContextEngineId",
    "SecEngineId",
    "UseNumeric",
    "UseLongNames",
    "UseSprintValue",
    "UseEnums",
    "NonIncreasing",
    "MaxInFlight",
    "MaxRows",
    "MaxRequests",
    "Deadline",
    "V3Engine",
    "LocalAddr",
    "LocalPort",
)
"""The canonical spelling of every ``create()`` keyword."""
SYNONYMS: Final = {"hostname": "DestHost"}
"""Other names of a keyword, used when the keyword itself is not given."""

# SNMP-TARGET-MIB's limits, which pysnmp's engine keeps its targets in: snmpTargetAddrRetryCount
# (0..255) and snmpTargetAddrTimeout (hundredths of a second, 0..2147483647).
PYSNMP_MAX_RETRIES: Final = 255
PYSNMP_MAX_TIMEOUT: Final = 21_474_836  # seconds

_VERSIONS: dict[Any, int] = {
    1: 1, "1": 1, "v1": 1, "snmpv1": 1,
    2: 2, "2": 2, "2c": 2, "v2c": 2, "snmpv2c": 2, "v2": 2,
    3: 3, "3": 3, "v3": 3, "snmpv3": 3,
}  # fmt: skip


@dataclass(frozen=True)
class SessionOptions:
    """The validated options of one component (net-snmp names, Python types).

    ``community``, ``auth_pass`` and ``priv_pass`` are left out of ``repr`` and stored as
    :class:`SecretBytes` / :class:`SecretStr` (also when the options are made by hand or by
    ``dataclasses.replace``), so no copy of them shows its value either.
    """

    alias: str
    dest_host: str  # as given (ARG0's host)
    host: str  # the address part: an IP literal or a DNS name
    port: int
    version: int
    community: bytes = field(repr=False)
    timeout: float  # seconds per attempt
    retries: int
    sec_name: str
    sec_level: str
    auth_proto: str | None
    auth_pass: str | None = field(repr=False)
    priv_proto: str | None
    priv_pass: str | None = field(repr=False)
    context: str
    context_engine_id: bytes | None
    sec_engine_id: bytes | None
    use_numeric: bool
    non_increasing: bool
    max_in_flight: int
    v3_engine: str = "native"  # "native" (own USM) or "pysnmp" (the adapter)
    max_rows: int = MAX_ROWS  # walks: rows per requested subtree
    max_requests: int = MAX_REQUESTS  # walks: PDUs per requested subtree
    deadline: float | None = None  # walks and tables: seconds for the whole request
    use_long_names: bool = False
    use_sprint_value: bool = False
    use_enums: bool = False
    local_addr: str | None = None  # the address requests leave from (an IP literal)
    local_port: int = 0  # the UDP port they leave from (0: any)

    @property
    def local(self) -> tuple[str, int] | None:
        """``(LocalAddr or "", LocalPort)`` to bind the socket to, or ``None`` for any."""
        if self.local_addr is None and not self.local_port:
            return None
        return (self.local_addr or "", self.local_port)

    @property
    def family(self) -> int | None:
        """The address family ``LocalAddr`` or an IP-literal ``DestHost`` fixes, if any."""
        for text in (self.local_addr, self.host):
            if text is not None:
                try:
                    ip = ipaddress.ip_address(text.split("%")[0])
                except ValueError:
                    continue
                return socket.AF_INET6 if ip.version == 6 else socket.AF_INET
        return None

    @property
    def credentials(self) -> Credentials:
        """The SNMPv3 credentials of these options, as one value (for the senders)."""
        level = self.sec_level if self.version == 3 else "noAuthNoPriv"
        return Credentials(self.sec_name, level, self.auth_proto, self.auth_pass,
                           self.priv_proto, self.priv_pass, self.context,
                           self.context_engine_id, self.sec_engine_id)  # fmt: skip

    def __post_init__(self) -> None:
        """Wrap the secrets (see the class doc)."""
        if isinstance(self.community, bytes | bytearray | memoryview):
            object.__setattr__(self, "community", secret_bytes(bytes(self.community)))
        for name in ("auth_pass", "priv_pass"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, secret_str(value))


def parse_options(kwargs: dict[str, Any]) -> SessionOptions:
    """Normalise and validate ``create()`` keywords.

    Raises:
        ConfigurationError: an unknown keyword (naming the valid ones), a duplicate
            spelling, a missing ``DestHost`` or any invalid value.
    """
    given = normalise_keywords(kwargs, KEYWORDS, synonyms=SYNONYMS)

    alias = given.get("Alias", "snmp")
    if not isinstance(alias, str) or not alias:
        raise ConfigurationError(f"Alias must be a non-empty str, not {alias!r}")
    dest = given.get("DestHost")
    if dest is None or dest == "":
        raise ConfigurationError("desthost parameter required (DestHost or hostname)")
    if not isinstance(dest, str):
        raise ConfigurationError(f"DestHost must be a str, not {type(dest).__name__}")
    host, port = split_host(dest, given.get("RemotePort"))

    raw_version = given.get("Version", 1)
    key = raw_version.lower() if isinstance(raw_version, str) else raw_version
    hashable = isinstance(key, str | int) and not isinstance(key, bool)
    version = _VERSIONS.get(key) if hashable else None
    if version is None:
        raise ConfigurationError(
            f"Version {raw_version!r} is not supported; use 1, 2 (or '2c') or 3"
        )

    community = given.get("Community", "public")
    if isinstance(community, str):
        community = community.encode()
    if not isinstance(community, bytes):
        raise ConfigurationError("Community must be a str or bytes")

    timeout_us = given.get("Timeout", 1_000_000)
    if isinstance(timeout_us, bool) or not isinstance(timeout_us, int | float):
        raise ConfigurationError(f"Timeout must be a number of microseconds, not {timeout_us!r}")
    if not (timeout_us > 0 and math.isfinite(timeout_us)):
        raise ConfigurationError(
            f"Timeout must be a positive, finite number of microseconds, not {timeout_us!r}"
        )
    if timeout_us < 1000:
        log.warning(
            "Timeout=%r is in microseconds (%.6f s per attempt); did you mean seconds?",
            timeout_us,
            timeout_us / 1e6,
        )
    retries = given.get("Retries", 5)
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ConfigurationError(f"Retries must be an int >= 0, not {retries!r}")

    sec_level, creds = _credentials(given, version)
    v3_engine = given.get("V3Engine", "native")
    if v3_engine not in ("native", "pysnmp"):
        raise ConfigurationError(f"V3Engine must be 'native' or 'pysnmp', not {v3_engine!r}")

    max_rows = _positive_int("MaxRows", given.get("MaxRows", MAX_ROWS))
    max_requests = _positive_int("MaxRequests", given.get("MaxRequests", MAX_REQUESTS))
    deadline = given.get("Deadline")
    if deadline is not None and (
        isinstance(deadline, bool)
        or not isinstance(deadline, int | float)
        or not (deadline > 0 and math.isfinite(deadline))
    ):
        raise ConfigurationError(f"Deadline must be a positive number of seconds, not {deadline!r}")

    local_addr, local_port = _local(given.get("LocalAddr"), given.get("LocalPort", 0))
    if local_addr is not None:
        local_ip = ipaddress.ip_address(local_addr.split("%")[0])
        try:
            dest_ip = ipaddress.ip_address(host.split("%")[0])
        except ValueError:
            dest_ip = None  # a name: resolved in LocalAddr's family
        if dest_ip is not None and dest_ip.version != local_ip.version:
            raise ConfigurationError(
                f"LocalAddr {local_addr!r} is IPv{local_ip.version} but DestHost {dest!r} is "
                f"IPv{dest_ip.version}"
            )
    if version == 3 and v3_engine == "pysnmp":  # what pysnmp's engine would refuse later
        if local_addr is not None or local_port:
            raise ConfigurationError("LocalAddr and LocalPort need V3Engine='native'")
        if retries > PYSNMP_MAX_RETRIES:
            raise ConfigurationError(
                f"Retries must be an int in 0..{PYSNMP_MAX_RETRIES} with V3Engine='pysnmp', "
                f"not {retries!r}"
            )
        if timeout_us / 1e6 > PYSNMP_MAX_TIMEOUT:
            raise ConfigurationError(
                f"Timeout must be at most {PYSNMP_MAX_TIMEOUT * 1_000_000} microseconds with "
                f"V3Engine='pysnmp', not {timeout_us!r}"
            )

    max_in_flight = given.get("MaxInFlight", 10)
    if isinstance(max_in_flight, bool) or not isinstance(max_in_flight, int) or max_in_flight < 1:
        raise ConfigurationError(f"MaxInFlight must be an int >= 1, not {max_in_flight!r}")

    return SessionOptions(
        alias=alias,
        dest_host=dest,
        host=host,
        port=port,
        version=version,
        community=community,
        timeout=timeout_us / 1e6,
        retries=retries,
        sec_name=_str(creds.sec_name),
        sec_level=sec_level,
        auth_proto=creds.auth_proto,
        auth_pass=_str_or_none(creds.auth_pass),
        priv_proto=creds.priv_proto,
        priv_pass=_str_or_none(creds.priv_pass),
        context=creds.context,
        context_engine_id=creds.context_engine_id,
        sec_engine_id=creds.sec_engine_id,
        use_numeric=parse_flag("UseNumeric", given.get("UseNumeric", False)),
        non_increasing=parse_flag("NonIncreasing", given.get("NonIncreasing", False)),
        max_in_flight=max_in_flight,
        v3_engine=v3_engine,
        max_rows=max_rows,
        max_requests=max_requests,
        deadline=None if deadline is None else float(deadline),
        use_long_names=parse_flag("UseLongNames", given.get("UseLongNames", False)),
        use_sprint_value=parse_flag("UseSprintValue", given.get("UseSprintValue", False)),
        use_enums=parse_flag("UseEnums", given.get("UseEnums", False)),
        local_addr=local_addr,
        local_port=local_port,
    )


def _credentials(given: dict[str, Any], version: int) -> tuple[str, Credentials]:
    """``(SecLevel, credentials)`` of the keywords; every check and message is
    :mod:`snmp_component.credentials`'. On v1/v2c nothing of USM is used, so the level's
    pass phrases are not required, but what is given is checked all the same."""
    level = credentials.sec_level(given.get("SecLevel", "noAuthNoPriv"))
    if version != 3:
        if "AuthProto" in given:
            credentials.auth_protocol(given["AuthProto"])
        if "PrivProto" in given:
            credentials.priv_protocol(given["PrivProto"])
    creds = Credentials(
        sec_name=given.get("SecName", "initial"),
        sec_level=level if version == 3 else "noAuthNoPriv",
        auth_proto=given.get("AuthProto"),
        auth_pass=given.get("AuthPass"),
        priv_proto=given.get("PrivProto"),
        priv_pass=given.get("PrivPass"),
        context=given.get("Context", ""),
        context_engine_id=given.get("ContextEngineId"),
        sec_engine_id=given.get("SecEngineId"),
    )
    return level, creds


def _str_or_none(value: str | bytes | None) -> str | None:
    """A component's pass phrase (never bytes: :class:`Credentials` made without ``octets``)."""
    return None if value is None else _str(value)


def _local(addr: Any, port: Any) -> tuple[str | None, int]:
    """``LocalAddr`` (an IP literal, ``[v6]`` brackets allowed) and ``LocalPort`` (0..65535)."""
    if isinstance(port, str) and port.isdigit():
        port = int(port)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port < 65536:
        raise ConfigurationError(f"LocalPort must be an int in 0..65535, not {port!r}")
    if addr is None or addr == "":
        return None, port
    if not isinstance(addr, str):
        raise ConfigurationError(f"LocalAddr must be a str, not {type(addr).__name__}")
    text = addr.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        raise ConfigurationError(
            f"LocalAddr {addr!r} is not an IP address (net-snmp's clientaddr)"
        ) from None
    return text, port


def split_host(dest: str, remote_port: Any = None) -> tuple[str, int]:
    """Split net-snmp's ``DestHost`` forms into (host, port).

    Accepts ``host``, ``host:port``, ``udp:host:port``, ``[v6]``, ``[v6]:port``,
    ``udp6:[v6]:port``, a bare IPv6 literal (``::1``, ``fe80::1%lo``). ``RemotePort``
    applies when ``DestHost`` carries no port.
    """
    host, text = _split_address(dest, "DestHost")
    port: Any = text
    if port is None:
        port = 161 if remote_port is None else remote_port
    if isinstance(port, str):
        if not port.isdigit():
            raise ConfigurationError(f"port {port!r} in DestHost {dest!r} is not a number")
        port = int(port)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ConfigurationError(f"RemotePort must be an int in 1..65535, not {port!r}")
    return host, port


def split_local(text: str) -> tuple[str, int]:
    """net-snmp's ``clientaddr`` (``[udp:|udp6:]ADDR[:PORT]``, ``[v6]:PORT``): the address
    and port (0: any) requests leave from, for ``LocalAddr``/``LocalPort``."""
    addr, port = _split_address(text, "clientaddr")
    if port is None:
        return addr, 0
    if not port.isdigit() or int(port) > 65535:
        raise ConfigurationError(f"port {port!r} in clientaddr {text!r} is not in 0..65535")
    return addr, int(port)


def _split_address(text: str, what: str) -> tuple[str, str | None]:
    """``(host, port text or None)`` of a net-snmp transport address; ``what`` names the
    setting in errors. UDP only; IPv6 literals bare or in brackets."""
    given = text
    text = text.strip()
    lowered = text.lower()
    for prefix in ("udp6:", "udpv6:", "udpipv6:", "udp:"):
        if lowered.startswith(prefix):
            text = text[len(prefix) :]
            break
    else:
        if ":" in lowered.split("[")[0] and lowered.split(":")[0] in ("tcp", "tcp6", "unix"):
            raise ConfigurationError(f"{what} {given!r}: only UDP transports are supported")
    port: str | None = None
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise ConfigurationError(f"{what} {given!r}: missing ']'")
        host, rest = text[1:end], text[end + 1 :]
        if rest:
            if not rest.startswith(":"):
                raise ConfigurationError(f"{what} {given!r}: unexpected {rest!r} after ']'")
            port = rest[1:]
    elif text.count(":") == 1:
        host, port = text.split(":")
    else:
        host = text  # a name, an IPv4 literal, or a bare IPv6 literal
        if ":" in host:
            try:
                ipaddress.ip_address(host.split("%")[0])
            except ValueError:
                raise ConfigurationError(f"{what} {given!r} is not a valid address") from None
    if not host:
        raise ConfigurationError(f"{what} {given!r} has no host part")
    return host, port


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"{name} must be an int >= 1, not {value!r}")
    return value


def parse_flag(name: str, value: Any) -> bool:
    """net-snmp style booleans: 1/0, True/False, and the strings "1", "0", "yes", "no"..."""
    if isinstance(value, bool | int) or value is None:
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("", "0", "false", "no", "off"):
            return False
        if text in ("1", "true", "yes", "on"):
            return True
    raise ConfigurationError(f"{name} must be 0 or 1, not {value!r}")


def _str(value: str | bytes) -> str:
    """A component's ``SecName`` (never bytes: :class:`Credentials` made without ``octets``)."""
    assert isinstance(value, str)
    return value
