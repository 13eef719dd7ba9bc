"""Helpers for component tests: run requests through a real kernel and collect answers."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from snmp_component import Event, Kernel, Session, SNMPComponent, SNMPSession, resolver
from snmp_component.testing import SnmpdAgent


@dataclass
class Answer:
    """One callback as the requester saw it."""

    cmd: str
    request: Any
    response: Any
    error: Any
    elapsed: float
    error_str: str
    error_num: int
    error_ind: int
    sender: Any
    callback_args: tuple[Any, ...]

    @property
    def varlist(self) -> Any:
        return self.response.varlist


def run_kernel(kernel: Kernel, timeout: float = 20.0) -> None:
    """Run ``kernel``; a hang fails the test instead of blocking the suite."""
    asyncio.run(asyncio.wait_for(kernel.run_async(), timeout))


def poll(
    posts: list[tuple[Any, ...] | tuple[tuple[Any, ...], dict[str, Any]]],
    *,
    finish: bool = True,
    kernel: Kernel | None = None,
    timeout: float = 20.0,
    **create: Any,
) -> tuple[list[Answer], SNMPSession]:
    """Create a component with ``create`` keywords, post each request from a client
    session's ``_start`` as ``post(alias, cmd, "on_resp", *args, **kwargs)``, finish the
    component when every accepted request was answered, run, return the answers.
    """
    kernel = kernel or Kernel()
    snmp = SNMPComponent.create(kernel, **create)
    alias = snmp.Alias
    answers: list[Answer] = []
    state = {"accepted": 0}
    t0 = time.monotonic()

    def start(ev: Event) -> None:
        for post in posts:
            args, kwargs = (post[0], post[1]) if isinstance(post[0], tuple) else (post, {})
            cmd, *rest = args
            if ev.kernel.post(alias, cmd, "on_resp", *rest, **kwargs):
                state["accepted"] += 1
        maybe_finish(ev)

    def maybe_finish(ev: Event) -> None:
        if finish and len(answers) >= state["accepted"]:
            ev.kernel.post(alias, "finish")

    def on_resp(ev: Event) -> None:
        request, response = ev.arg0, ev.arg1
        session = request[0]
        answers.append(
            Answer(
                request.cmd,
                request,
                response,
                response.error,
                time.monotonic() - t0,
                session.ErrorStr,
                session.ErrorNum,
                session.ErrorInd,
                ev.sender,
                response.callback_args,
            )
        )
        maybe_finish(ev)

    Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp})
    run_kernel(kernel, timeout)
    return answers, snmp


@pytest.fixture
def v2(snmpd: SnmpdAgent) -> dict[str, Any]:
    """create() keywords for the fixture agent over SNMPv2c."""
    return {"DestHost": "127.0.0.1", "RemotePort": snmpd.port, "Version": 2, "Retries": 0}


@pytest.fixture
def v1(snmpd: SnmpdAgent) -> dict[str, Any]:
    """create() keywords for the fixture agent over SNMPv1."""
    return {"DestHost": "127.0.0.1", "RemotePort": snmpd.port, "Version": 1, "Retries": 0}


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A UDP port on 127.0.0.1 that receives but never answers (a dead agent)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def only(answers: list[Answer]) -> Answer:
    assert len(answers) == 1, answers
    return answers[0]


Check = Callable[[Answer], None]


@pytest.fixture
def slow_resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names ending in ``.slow.test`` take 3 s to resolve, ``.fail.test`` 0.3 s; then both
    fail (``resolver.getaddrinfo``, what the resolver's threads call, is replaced)."""
    real = resolver.getaddrinfo

    def slow(host: str, *args: Any, **kwargs: Any) -> Any:
        for suffix, seconds in ((".slow.test", 3.0), (".fail.test", 0.3)):
            if host.endswith(suffix):
                time.sleep(seconds)
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(resolver, "getaddrinfo", slow)
