"""``SNMPComponent.create()`` keywords: normalisation, defaults and validation.

Keyword names are net-snmp ``SNMP::Session`` names matched ignoring case, ``-`` and ``_``
(``DestHost``, ``desthost``, ``dest_host``, ``-DestHost``); ``hostname`` is a synonym of
``DestHost``. Everything is checked here, before any socket or engine exists, and every
problem is a :class:`~snmp_component.errors.ConfigurationError` that names the keyword.

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
from typing import Any

from ._core.plans import MAX_REQUESTS, MAX_ROWS
from ._core.secret import secret_bytes, secret_str
from .errors import ConfigurationError

log = logging.getLogger("snmp_component")

AUTH_PROTOCOLS = ("MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512")
PRIV_PROTOCOLS = ("DES", "3DES", "AES", "AES-128", "AES-192", "AES-256", "AES-192-C", "AES-256-C")
SEC_LEVELS = ("noAuthNoPriv", "authNoPriv", "authPriv")

# Canonical spelling of every keyword, by its normalised form.
_CANONICAL = {
    name.lower(): name
    for name in (
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
}
_VERSIONS: dict[Any, int] = {
    1: 1, "1": 1, "v1": 1, "snmpv1": 1,
    2: 2, "2": 2, "2c": 2, "v2c": 2, "snmpv2c": 2, "v2": 2,
    3: 3, "3": 3, "v3": 3, "snmpv3": 3,
}  # fmt: skip


def normalise_key(key: str) -> str:
    """``-Dest_Host`` -> ``desthost``."""
    return key.lower().replace("-", "").replace("_", "")


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
    given: dict[str, Any] = {}
    hostname: Any = None
    for key, value in kwargs.items():
        norm = normalise_key(key)
        if norm == "hostname":
            hostname = value  # a synonym of DestHost; DestHost wins when both are given
            continue
        name = _CANONICAL.get(norm)
        if name is None:
            valid = ", ".join(sorted(_CANONICAL.values()))
            raise ConfigurationError(f"unknown keyword {key!r}; valid keywords are: {valid}")
        if name in given:
            raise ConfigurationError(f"keyword {name} given twice (as {key!r})")
        given[name] = value
    if "DestHost" not in given and hostname is not None:
        given["DestHost"] = hostname

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

    sec_level = _choice("SecLevel", given.get("SecLevel", "noAuthNoPriv"), SEC_LEVELS)
    auth_proto = priv_proto = None
    auth_pass = priv_pass = None
    if version == 3:
        if sec_level in ("authNoPriv", "authPriv"):
            auth_proto = _choice("AuthProto", given.get("AuthProto", "MD5"), AUTH_PROTOCOLS)
            auth_pass = _password("AuthPass", given.get("AuthPass"))
        if sec_level == "authPriv":
            priv_proto = _choice("PrivProto", given.get("PrivProto", "DES"), PRIV_PROTOCOLS)
            priv_pass = _password("PrivPass", given.get("PrivPass"))
    else:
        for name in ("AuthProto", "PrivProto"):
            if name in given:
                protocols = AUTH_PROTOCOLS if name == "AuthProto" else PRIV_PROTOCOLS
                _choice(name, given[name], protocols)

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
    if (local_addr is not None or local_port) and version == 3 and v3_engine == "pysnmp":
        raise ConfigurationError("LocalAddr and LocalPort need V3Engine='native'")

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
        sec_name=_text("SecName", given.get("SecName", "initial")),
        sec_level=sec_level,
        auth_proto=auth_proto,
        auth_pass=auth_pass,
        priv_proto=priv_proto,
        priv_pass=priv_pass,
        context=_text("Context", given.get("Context", "")),
        context_engine_id=_engine_id("ContextEngineId", given.get("ContextEngineId")),
        sec_engine_id=_engine_id("SecEngineId", given.get("SecEngineId")),
        use_numeric=_flag("UseNumeric", given.get("UseNumeric", False)),
        non_increasing=_flag("NonIncreasing", given.get("NonIncreasing", False)),
        max_in_flight=max_in_flight,
        v3_engine=v3_engine,
        max_rows=max_rows,
        max_requests=max_requests,
        deadline=None if deadline is None else float(deadline),
        use_long_names=_flag("UseLongNames", given.get("UseLongNames", False)),
        use_sprint_value=_flag("UseSprintValue", given.get("UseSprintValue", False)),
        use_enums=_flag("UseEnums", given.get("UseEnums", False)),
        local_addr=local_addr,
        local_port=local_port,
    )


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


def _flag(name: str, value: Any) -> bool:
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


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    """The canonical spelling of ``value`` among ``choices``.

    The message never echoes ``value``: ``SecLevel``/``AuthProto``/``PrivProto`` sit next to
    the pass phrases, and a pass phrase given to one of them by mistake must not leak.
    """
    if isinstance(value, str):
        for choice in choices:
            if value.replace("_", "-").lower() == choice.lower():
                return choice
        if name in ("AuthProto", "PrivProto"):
            compact = value.replace("-", "").replace("_", "").lower()
            for choice in choices:
                if compact == choice.replace("-", "").lower():
                    return choice
    what = "value" if isinstance(value, str) else f"{type(value).__name__} value"
    raise ConfigurationError(f"{name}: unsupported {what}; use one of {', '.join(choices)}")


def _password(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigurationError(f"{name} is required for this SecLevel and must be a str")
    if len(value) < 8:
        raise ConfigurationError(f"{name} must be at least 8 characters long")
    return value


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigurationError(f"{name} must be a str, not {type(value).__name__}")
    return value


def _engine_id(name: str, value: Any) -> bytes | None:
    if value is None or value == "":
        return None
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        text = value[2:] if value.lower().startswith("0x") else value
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    raise ConfigurationError(f"{name} must be bytes or a hex string like '0x80001f88...'")
