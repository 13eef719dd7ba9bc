"""The pysnmp engine takes what ``create()`` accepted, without a second opinion.

Its ``V3Credentials`` is a :class:`snmp_component.credentials.Credentials` (one validator,
one set of messages, pinned in ``tests/core/test_credentials.py``) and its ``V3Client``
limits are the ones ``create()`` enforces with ``V3Engine="pysnmp"``. So nothing that
``create()`` accepts can fail later, when the component builds its pysnmp client at the
first request: a configuration problem is a ``ConfigurationError`` from ``create()``, never
the error of a request.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from snmp_component import Kernel, SNMPComponent, errors
from snmp_component._pysnmp.v3 import V3Client, V3Credentials
from snmp_component.options import PYSNMP_MAX_RETRIES, PYSNMP_MAX_TIMEOUT, parse_options

AUTHS = ["MD5", "sha", "SHA1", "sha-224", "SHA256", "sha_384", "SHA-512"]
PRIVS = ["DES", "3des", "3DES-EDE", "aes", "AES-128", "aes192", "AES-256", "aes_192_c",
         "AES256C"]  # fmt: skip
TEXT = st.text(st.characters(codec="utf-8"), max_size=12)


def _octets(lo: int, hi: int) -> st.SearchStrategy[str]:
    """Text of ``lo``..``hi`` UTF-8 octets."""
    return TEXT.map(lambda t: (t * 4)[:hi]).filter(lambda t: lo <= len(t.encode()) <= hi)


ENGINE_IDS = st.one_of(
    st.none(), st.binary(min_size=5, max_size=32), st.binary(min_size=5, max_size=32).map(
        lambda b: "0x" + b.hex()
    )
)  # fmt: skip
V3_KEYWORDS = st.fixed_dictionaries(
    {
        "SecName": _octets(1, 32),
        "SecLevel": st.sampled_from(["noAuthNoPriv", "authnopriv", "AUTHPRIV", "auth_priv"]),
        "AuthPass": _octets(8, 40),
        "PrivPass": _octets(8, 40),
        "Retries": st.integers(0, PYSNMP_MAX_RETRIES),
        "Timeout": st.integers(1, PYSNMP_MAX_TIMEOUT * 1_000_000),
    },
    optional={
        "AuthProto": st.sampled_from(AUTHS),
        "PrivProto": st.sampled_from(PRIVS),
        "Context": _octets(0, 32),
        "ContextEngineId": ENGINE_IDS,
        "SecEngineId": ENGINE_IDS,
    },
)


def _client_as_the_component_makes_it(opts: Any) -> V3Client:
    """What ``actor._make_sender`` does with the options at the first request."""
    creds = V3Credentials.of(opts.credentials)
    assert creds.sec_name == opts.sec_name and creds.auth_pass == opts.auth_pass
    return V3Client(creds, "127.0.0.1", 161, timeout=opts.timeout, retries=opts.retries)


@given(V3_KEYWORDS)
def test_what_create_accepts_the_pysnmp_engine_accepts(keywords: dict[str, Any]) -> None:
    opts = parse_options({"DestHost": "127.0.0.1", "Version": 3, "V3Engine": "pysnmp",
                          **keywords})  # fmt: skip
    client = _client_as_the_component_makes_it(opts)
    assert client.pending == 0


def test_v3_client_limits_are_create_limits() -> None:
    creds = V3Credentials("u", "noAuthNoPriv")
    V3Client(creds, "127.0.0.1", 161, timeout=PYSNMP_MAX_TIMEOUT, retries=PYSNMP_MAX_RETRIES)
    for timeout, retries, field in ((PYSNMP_MAX_TIMEOUT + 1, 0, "timeout"),
                                    (1.0, PYSNMP_MAX_RETRIES + 1, "retries")):  # fmt: skip
        with pytest.raises(errors.ConfigurationError, match=f"^{field}:"):
            V3Client(creds, "127.0.0.1", 161, timeout=timeout, retries=retries)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A UDP port on 127.0.0.1 that receives but never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.mark.parametrize("engine", ["native", "pysnmp"])
def test_edge_values_reach_the_wire_and_time_out(engine: str, silent_port: int) -> None:
    """The longest names and engine IDs, non-ASCII text and the shortest pass phrases that
    ``create()`` accepts: the request goes out and times out -- no configuration error (and
    no transport error standing for one) at the first request on either engine."""
    kernel = Kernel()
    snmp = SNMPComponent.create(
        kernel, DestHost="127.0.0.1", RemotePort=silent_port, Version=3, V3Engine=engine,
        SecName="é" * 16, SecLevel="authPriv", AuthProto="SHA1", AuthPass="ääää",
        PrivProto="aes-128", PrivPass="12345678", Context="c" * 32,
        ContextEngineId=b"\x80" * 32, SecEngineId="0x8000000001", Timeout=200_000, Retries=0,
    )  # fmt: skip

    async def main() -> BaseException | None:
        task = asyncio.ensure_future(kernel.run_async())
        try:
            await snmp.get("sysName.0")
        except errors.SNMPError as exc:
            return exc
        finally:
            snmp.finish()
            await asyncio.wait_for(task, 10)
        return None

    error = asyncio.run(asyncio.wait_for(main(), 20))
    assert isinstance(error, errors.SNMPTimeoutError), repr(error)
