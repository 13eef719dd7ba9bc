"""The blocking API (snmp_component.blocking) against the real snmpd fixture."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from snmp_component import VarList, blocking, errors, transport
from snmp_component.blocking import BlockingSession, RunningLoopError, Session
from snmp_component.kernel import Kernel
from snmp_component.testing.snmpd import AUTH_PASS, PRIV_PASS, SYS_NAME

UPTIME = ".1.3.6.1.2.1.1.3.0"
SYSNAME = ".1.3.6.1.2.1.1.5.0"
AUTHEN_TRAPS = ".1.3.6.1.2.1.11.30.0"  # snmpEnableAuthenTraps.0, writable INTEGER


def _kernel(session: BlockingSession) -> Kernel:
    """The kernel every blocking session shares (on the background loop)."""
    return session._runtime.kernel


def _on_loop(session: BlockingSession, fn: Callable[[], Any]) -> Any:
    """Run ``fn`` on the background loop's thread; its result (or raise its exception)."""
    return session._runtime.call(fn).result(timeout=10)


def _wait_until(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.005)
    return check()


@pytest.fixture
def session(v2: dict[str, Any]) -> Iterator[BlockingSession]:
    with Session(**v2) as s:
        yield s


# ---------------------------------------------------------------- requests


def test_get_getnext_getbulk_from_the_main_thread(session: BlockingSession) -> None:
    varlist = session.get("sysName.0", ["sysUpTime", 0])
    assert isinstance(varlist, VarList)
    first = varlist[0]
    assert (first.tag, first.iid, first.val, first.type) == ("sysName", "0", SYS_NAME, "OCTETSTR")
    assert varlist[1].tag == "sysUpTimeInstance" and varlist[1].type == "TICKS"
    (nxt,) = session.getnext("sysName")
    assert (nxt.tag, nxt.iid, nxt.val) == ("sysName", "0", SYS_NAME)
    bulk = session.getbulk(1, 3, "sysName", "sysDescr")
    assert len(bulk) == 4 and bulk[0].val == SYS_NAME
    assert session.component.pending == 0
    assert threading.current_thread() is threading.main_thread()


def test_set_read_write_and_refused(v2: dict[str, Any]) -> None:
    with Session(**dict(v2, Community="private")) as rw:
        (current,) = rw.get(AUTHEN_TRAPS)
        (written,) = rw.set([AUTHEN_TRAPS, "", current.val, "INTEGER"])
        assert written.val == current.val
        with pytest.raises(errors.WrongValue) as wrong:
            rw.set([AUTHEN_TRAPS, "", 3, "INTEGER"])  # 1 or 2 only
        assert wrong.value.error_num == 10
    with Session(**v2) as ro, pytest.raises(errors.NoAccess) as refused:
        ro.set(["sysContact", 0, "x@y", "OCTETSTR"])
    assert (refused.value.error_num, refused.value.error_index) == (6, 1)
    assert refused.value.varlist is not None and refused.value.varlist[0].val == "x@y"


def test_walks_and_table(session: BlockingSession, v1: dict[str, Any]) -> None:
    (bulk,) = session.bulkwalk(0, 4, "system")
    tags = [vb.tag for vb in bulk]
    assert tags[:3] == ["sysDescr", "sysObjectID", "sysUpTimeInstance"] and len(bulk) > 8
    (walked,) = session.walk("system")
    assert [vb.tag for vb in walked] == tags
    nonrep, ifdescr = session.bulkwalk(1, 10, "sysName", "ifDescr")
    assert nonrep[0].val == SYS_NAME and ifdescr[0].val == "lo"
    rows = session.table("ifTable", ["ifDescr", "ifType"], max_repetitions=5)
    assert rows[1] == {"ifDescr": "lo", "ifType": 24}
    with Session(**v1) as old:  # walk and table on v1 (GETNEXT)
        assert [vb.tag for vb in old.walk("system")[0]] == tags
        assert old.table("ifTable", ["ifDescr"])[1] == {"ifDescr": "lo"}
        with pytest.raises(errors.VersionMismatchError):
            old.getbulk(0, 5, "system")


def test_snmpv3_auth_priv(v2: dict[str, Any]) -> None:
    v3 = dict(v2, Version=3, SecName="privAESUser", SecLevel="authPriv", AuthProto="SHA",
              AuthPass=AUTH_PASS, PrivProto="AES", PrivPass=PRIV_PASS)  # fmt: skip
    with Session(**v3) as s:
        assert s.get(SYSNAME)[0].val == SYS_NAME  # engine discovery first, on the loop
        assert s.table("ifTable", ["ifDescr"])[1] == {"ifDescr": "lo"}
    with Session(**dict(v3, AuthPass="wrong-pass-phrase")) as bad:
        with pytest.raises(errors.WrongDigest):
            bad.get(SYSNAME)


# ---------------------------------------------------------------- errors


def test_timeout_raises_the_awaitable_apis_error(silent_port: int) -> None:
    with Session(DestHost="127.0.0.1", RemotePort=silent_port, Version=2, Timeout=100_000,
                 Retries=1) as s:  # fmt: skip
        t0 = time.monotonic()
        with pytest.raises(errors.SNMPTimeoutError) as timeout:
            s.get(SYSNAME)
        assert 0.15 < time.monotonic() - t0 < 2.0
        assert timeout.value.error_num == -24
        with pytest.raises(errors.SNMPTimeoutError) as walk:
            s.bulkwalk(0, 10, "system")
        assert walk.value.partial == [VarList()]  # a failed walk keeps what it had


def test_configuration_errors_raise_in_the_calling_thread(v2: dict[str, Any]) -> None:
    with pytest.raises(errors.ConfigurationError, match="unknown keyword 'Bogus'"):
        Session(DestHost="127.0.0.1", Bogus=1)
    with pytest.raises(errors.ConfigurationError, match="desthost"):
        Session(Version=2)
    with pytest.raises(errors.ConfigurationError, match="MaxInFlight"):
        Session(**v2, MaxInFlight=0)
    with Session(**v2, Alias="mine") as s:
        assert s.component.Alias == "mine"
        with pytest.raises(errors.ConfigurationError, match="'mine' already exists"):
            Session(**v2, alias="mine")
        with pytest.raises(errors.UnknownObjectError):
            s.get("noSuchObjectAnywhere.0")
        with pytest.raises(errors.ConfigurationError):
            s.bulkwalk(0, 0, "system")
        assert s.get(SYSNAME)[0].val == SYS_NAME  # the session is still fine
    with Session(**v2) as a, Session(**v2) as b:  # unique aliases of their own
        assert a.component.Alias != b.component.Alias
        following = f"blocking-{int(repr(a._runtime._aliases)[6:-1])}"  # count(N)
        with Session(**v2, Alias=following) as c, Session(**v2) as d:
            assert c.component.Alias == following != d.component.Alias  # skipped, not taken


# ---------------------------------------------------------------- threads


@pytest.mark.parametrize("waker", ["eventfd", "lock"])
def test_eight_threads_get_exactly_one_answer_each(
    v2: dict[str, Any], waker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blocking, "_EVENTFD", waker == "eventfd")  # lock: not Linux
    per_thread = 150
    shared = Session(**dict(v2, MaxInFlight=8))
    own = [Session(**v2) for _ in range(8)]
    answers: Counter[tuple[int, str]] = Counter()
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(16)

    def run(k: int, s: BlockingSession) -> None:
        start.wait()
        for i in range(per_thread):
            try:
                (vb,) = s.get(SYSNAME if i % 2 else UPTIME)
            except BaseException as exc:
                with lock:
                    failures.append(exc)
                continue
            with lock:
                answers[k, vb.tag] += 1

    threads = [threading.Thread(target=run, args=(k, own[k])) for k in range(8)]
    threads += [threading.Thread(target=run, args=(8 + k, shared)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    assert failures == []
    half = per_thread // 2
    assert answers == {
        (k, tag): half for k in range(16) for tag in ("sysName", "sysUpTimeInstance")
    }
    for s in [shared, *own]:
        assert s.component.pending == 0
        s.close()


def test_a_shared_session_pipelines_up_to_max_in_flight(silent_port: int) -> None:
    opts = {"DestHost": "127.0.0.1", "RemotePort": silent_port, "Version": 2, "Retries": 0,
            "Timeout": 400_000, "MaxInFlight": 8}  # fmt: skip
    with Session(**opts) as s, concurrent.futures.ThreadPoolExecutor(8) as pool:
        t0 = time.monotonic()
        futures = [pool.submit(s.get, SYSNAME) for _ in range(8)]
        assert _wait_until(lambda: s.component.in_flight == 8, 2.0)
        for future in futures:
            assert isinstance(future.exception(10), errors.SNMPTimeoutError)
        assert time.monotonic() - t0 < 1.5  # together, not 8 x 0.4 s one after another


def test_a_stale_wake_up_is_only_a_hint(session: BlockingSession) -> None:
    waker = blocking._waker()
    waker.wake()  # as the late answer of a withdrawn (interrupted) call would
    waker.wake()
    assert session.get(SYSNAME)[0].val == SYS_NAME
    assert session.get(UPTIME)[0].tag == "sysUpTimeInstance"


# ---------------------------------------------------------------- inside an event loop


def test_refuses_at_once_inside_a_running_event_loop(session: BlockingSession) -> None:
    async def from_a_coroutine() -> None:
        session.get(SYSNAME)

    t0 = time.monotonic()
    with pytest.raises(RunningLoopError, match=r"await snmp\.get\(") as refused:
        asyncio.run(from_a_coroutine())
    assert isinstance(refused.value, RuntimeError) and time.monotonic() - t0 < 1.0

    async def table_from_a_coroutine() -> None:
        session.table("ifTable")

    with pytest.raises(RunningLoopError, match=r"await snmp\.get_table\("):
        asyncio.run(table_from_a_coroutine())

    async def create_in_a_coroutine() -> None:
        Session(DestHost="127.0.0.1")

    with pytest.raises(RunningLoopError, match=r"BlockingSession\(\)"):
        asyncio.run(create_in_a_coroutine())
    assert session.get(SYSNAME)[0].val == SYS_NAME  # nothing was left behind


def test_refuses_on_the_background_loops_own_thread(session: BlockingSession) -> None:
    def from_a_loop_callback() -> str:
        try:
            session.walk("system")
        except RunningLoopError as exc:
            return str(exc)
        return "not refused"

    message = _on_loop(session, from_a_loop_callback)
    assert "running event loop" in message and "await snmp.walk(" in message
    session.close()  # inside the loop close() only starts the finish; here it waits
    assert not session.component.pending


# ---------------------------------------------------------------- close


def test_close_releases_the_socket_and_refuses_later_calls(v2: dict[str, Any]) -> None:
    first, second = Session(**v2), Session(**v2)
    kernel = _kernel(first)
    first.get(SYSNAME)
    second.get(SYSNAME)
    udp = transport._registry[kernel][socket.AF_INET]
    sock = udp._sock
    assert sock is not None and sock.fileno() >= 0
    assert udp.users == 2
    first.close()
    assert first.closed and not first.component.pending
    assert udp.users == 1 and not udp.closed  # the other session still has its share
    with pytest.raises(errors.ShutdownError, match="closed"):
        first.get(SYSNAME)
    with pytest.raises(errors.ShutdownError):
        first.table("ifTable")
    first.close()  # again: nothing
    assert second.get(SYSNAME)[0].val == SYS_NAME
    second.close()
    assert udp.closed and sock.fileno() == -1  # the last share closed the socket
    assert socket.AF_INET not in transport._registry.get(kernel, {})
    assert _on_loop(first, lambda: len(kernel.sessions)) == 1  # the keeper: nothing piles up


def test_close_answers_what_other_threads_wait_for(silent_port: int) -> None:
    s = Session(DestHost="127.0.0.1", RemotePort=silent_port, Version=2, Timeout=300_000,
                Retries=0)  # fmt: skip
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(s.get, SYSNAME)
        assert _wait_until(lambda: s.component.in_flight == 1, 2.0)
        t0 = time.monotonic()
        s.close()  # finish: the pending request still gets its own answer
        assert time.monotonic() - t0 < 1.0
        assert isinstance(waiting.exception(5), errors.SNMPTimeoutError)
    assert s.component.pending == 0


def test_an_unclosed_session_is_finished_when_collected(v2: dict[str, Any]) -> None:
    s = Session(**v2)
    s.get(SYSNAME)
    kernel, component = _kernel(s), s.component
    alias = component.Alias
    del s
    gc.collect()
    assert _wait_until(lambda: kernel.alias_resolve(alias) is None)
    assert component.pending == 0


# ---------------------------------------------------------------- interrupts and exit


def _child(code: str, timeout: float = 30) -> tuple[subprocess.CompletedProcess[str], float]:
    t0 = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done, time.monotonic() - t0


def test_exit_does_not_wait_for_a_request_of_another_thread(silent_port: int) -> None:
    done, elapsed = _child(f"""
        import threading, time
        from snmp_component.blocking import Session

        s = Session(DestHost="127.0.0.1", RemotePort={silent_port}, Version=2,
                    Timeout=60_000_000, Retries=0)
        threading.Thread(target=s.get, args=("sysName.0",), daemon=True).start()
        time.sleep(0.3)
        assert s.component.in_flight == 1
        print("main thread returns", flush=True)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "main thread returns\n" and "Traceback" not in done.stderr
    assert elapsed < 10  # a 60 s request is left behind, not waited for


def test_keyboard_interrupt_withdraws_the_request(silent_port: int) -> None:
    done, elapsed = _child(f"""
        import os, signal, threading, time
        from snmp_component.blocking import Session

        s = Session(DestHost="127.0.0.1", RemotePort={silent_port}, Version=2,
                    Timeout=60_000_000, Retries=0)
        threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
        t0 = time.monotonic()
        try:
            s.get("sysName.0")
        except KeyboardInterrupt:
            print("interrupted", time.monotonic() - t0)
        end = time.monotonic() + 2
        while s.component.pending and time.monotonic() < end:
            time.sleep(0.01)
        print("pending", s.component.pending, s.component.in_flight)
        t0 = time.monotonic()
        s.close()
        print("closed", time.monotonic() - t0)
    """)
    assert done.returncode == 0, done.stderr
    interrupted, pending, closed = (line.split() for line in done.stdout.splitlines())
    assert interrupted[0] == "interrupted" and 0.25 < float(interrupted[1]) < 3
    assert pending == ["pending", "0", "0"]  # withdrawn: nothing queued, no slot held
    assert closed[0] == "closed" and float(closed[1]) < 1  # nothing left to wait for
    assert elapsed < 10


def test_a_forked_child_starts_a_loop_of_its_own(v2: dict[str, Any]) -> None:
    code = f"""
        import os
        from snmp_component import errors
        from snmp_component.blocking import Session

        opts = {v2!r}
        parent = Session(**opts)
        parent.get("sysName.0")
        pid = os.fork()
        if pid == 0:
            try:
                parent.get("sysName.0")
                os._exit(3)
            except errors.ShutdownError:
                pass
            with Session(**opts) as child:
                os._exit(0 if child.get("sysName.0")[0].val == "anchor-agent" else 4)
        _, status = os.waitpid(pid, 0)
        print("child", os.waitstatus_to_exitcode(status), "parent", parent.get("sysName.0")[0].val)
    """
    done, _ = _child(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "child 0 parent anchor-agent\n"


def test_no_loop_thread_until_the_first_session() -> None:
    done, _ = _child("""
        import threading
        import snmp_component.blocking
        print(sorted(t.name for t in threading.enumerate()))
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "['MainThread']\n"
