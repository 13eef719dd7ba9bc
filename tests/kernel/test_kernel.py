"""The POE rules of the kernel, one test (or a few) per rule."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from typing import Any

import pytest

from snmp_component import Event, Kernel, Session
from snmp_component.kernel import (
    AliasInUseError,
    InvalidStateError,
    KernelStateError,
    NoSuchSessionError,
    UnknownStateError,
)

from ..stall import StallMeter, paused_gc


def run(kernel: Kernel, timeout: float = 10.0) -> None:
    """Run the kernel, failing (not hanging) if it does not return in time."""
    asyncio.run(asyncio.wait_for(kernel.run_async(), timeout))


# ---------------------------------------------------------------- start, post, call


def test_start_runs_before_create_returns_with_args_and_heap() -> None:
    kernel = Kernel()
    seen: list[Any] = []

    def start(ev: Event) -> None:
        seen.append((ev.state, ev.args, ev.arg0, ev.arg1, ev.arg2, ev.sender, ev.heap))
        ev.heap["started"] = True

    session = Session.create(kernel, inline_states={"_start": start}, heap={"x": 1}, args=(7, 8))
    assert seen == [("_start", (7, 8), 7, 8, None, None, {"x": 1, "started": True})]
    assert session.heap == {"x": 1, "started": True}
    run(kernel)
    assert not session.alive


def test_post_is_never_inline_and_call_is() -> None:
    kernel = Kernel()
    order: list[str] = []

    def start(ev: Event) -> None:
        assert ev.kernel.post(ev.session, "later", 1)
        order.append("after post")
        assert ev.kernel.call(ev.session, "now", 2) == "value 2"
        order.append("after call")

    def now(ev: Event) -> str:
        order.append(f"now {ev.arg0}")
        return f"value {ev.arg0}"

    Session.create(
        kernel,
        inline_states={
            "_start": start,
            "later": lambda ev: order.append(f"later {ev.arg0}"),
            "now": now,
        },
    )
    assert order == ["after post", "now 2", "after call"]
    run(kernel)
    assert order == ["after post", "now 2", "after call", "later 1"]


def test_batch_dispatches_what_io_deliveries_post_when_it_ends() -> None:
    """An I/O callback's deliveries: their posts run at the end of the block, in FIFO order,
    after the delivering handler returned; in a handler, or with a drain pending, batch()
    changes nothing."""
    kernel = Kernel()
    order: list[str] = []
    checked: list[bool] = []

    def deliver(ev: Event) -> None:
        ev.kernel.yield_("follow", ev.arg0)
        order.append(f"delivered {ev.arg0}")

    def io_callback() -> None:
        assert order == ["go done", "follow in handler"]
        order.clear()
        with kernel.batch():
            kernel.call_as(None, "worker", "deliver", 1)
            kernel.call_as(None, "worker", "deliver", 2)
            assert order == ["delivered 1", "delivered 2"]
        assert order == ["delivered 1", "delivered 2", "follow 1", "follow 2"]
        order.clear()
        kernel.post("worker", "follow", "queued")  # a drain is now pending: it keeps FIFO
        with kernel.batch():
            kernel.call_as(None, "worker", "deliver", 3)
        assert order == ["delivered 3"]
        checked.append(True)  # an assert above fails only the loop callback, not the test

    def go(ev: Event) -> None:
        with ev.kernel.batch():  # inside a handler: posts stay for later
            ev.kernel.yield_("follow", "in handler")
        order.append("go done")
        asyncio.get_running_loop().call_soon(io_callback)
        ev.kernel.delay_set("end", 0.05)

    def start(ev: Event) -> None:
        ev.kernel.alias_set("worker")
        ev.kernel.yield_("go")

    Session.create(kernel, inline_states={
        "_start": start,
        "go": go,
        "deliver": deliver,
        "follow": lambda ev: order.append(f"follow {ev.arg0}"),
        "end": lambda ev: ev.kernel.alias_remove("worker"),
    })  # fmt: skip
    run(kernel)
    assert checked == [True]
    assert order == ["delivered 3", "follow queued", "follow 3"]


def test_ten_thousand_posts_from_several_sessions_keep_per_sender_fifo() -> None:
    kernel = Kernel()
    received: list[tuple[int, int]] = []
    Session.create(
        kernel,
        inline_states={
            "_start": lambda ev: ev.kernel.alias_set("sink"),
            "msg": lambda ev: received.append((ev.arg0, ev.arg1)),
        },
    )
    senders = 5
    per_sender = 2000

    def sender_start(ev: Event) -> None:
        ev.kernel.yield_("burst", 0)

    def burst(ev: Event) -> None:
        # Posts in chunks across several dispatches so senders interleave.
        start = ev.arg0
        for n in range(start, min(start + 250, per_sender)):
            assert ev.kernel.post("sink", "msg", ev.heap["who"], n)
        if start + 250 < per_sender:
            ev.kernel.yield_("burst", start + 250)

    for who in range(senders):
        Session.create(
            kernel, inline_states={"_start": sender_start, "burst": burst}, heap={"who": who}
        )
    run(kernel)
    assert len(received) == senders * per_sender
    for who in range(senders):
        assert [n for w, n in received if w == who] == list(range(per_sender))
    # They really interleaved (not one sender after another).
    assert len({w for w, _ in received[: senders * 250]}) == senders


def test_call_returns_value_and_raises_for_bad_destination_or_state() -> None:
    kernel = Kernel()
    session = Session.create(kernel, inline_states={"double": lambda ev: ev.arg0 * 2})
    assert kernel.call(session, "double", 21) == 42
    assert kernel.call(session.id, "double", 1) == 2
    with pytest.raises(NoSuchSessionError, match="nobody"):
        kernel.call("nobody", "double", 1)
    with pytest.raises(UnknownStateError, match="'triple'"):
        kernel.call(session, "triple", 1)
    run(kernel)


def test_call_depth_is_guarded() -> None:
    kernel = Kernel()
    errors: list[BaseException] = []

    def recurse(ev: Event) -> None:
        ev.kernel.call(ev.session, "recurse")

    Session.create(
        kernel,
        inline_states={
            "_start": lambda ev: ev.kernel.call(ev.session, "recurse"),
            "recurse": recurse,
            "_error": lambda ev: errors.append(ev.arg0),
        },
    )
    run(kernel)
    assert errors and isinstance(errors[0], KernelStateError)
    assert "nested deeper than 64" in str(errors[0])


def test_post_to_unknown_alias_returns_false_and_logs_why(caplog: Any) -> None:
    kernel = Kernel()
    caplog.set_level(logging.WARNING, logger="snmp_component.kernel")
    results: list[bool] = []
    Session.create(
        kernel, inline_states={"_start": lambda ev: results.append(ev.kernel.post("ghost", "x"))}
    )
    assert results == [False]
    assert kernel.post(12345, "x") is False
    assert kernel.post(object(), "x") is False  # type: ignore[arg-type]
    assert "'ghost'" in caplog.text and "no such session" in caplog.text
    run(kernel)


def test_post_of_unknown_state_returns_false_unless_default(caplog: Any) -> None:
    kernel = Kernel()
    caplog.set_level(logging.WARNING, logger="snmp_component.kernel")
    defaults: list[tuple[str, Any, Any]] = []
    plain = Session.create(kernel, inline_states={"a": lambda ev: None})
    catchall = Session.create(
        kernel,
        inline_states={"_default": lambda ev: defaults.append((ev.state, ev.arg0, ev.arg1))},
    )
    assert kernel.post(plain, "nope", 1) is False
    assert "has no such state" in caplog.text and "'nope'" in caplog.text
    assert kernel.post(catchall, "anything", 1, 2) is True
    run(kernel)
    assert defaults == [("_default", "anything", (1, 2))]


def test_yield_outside_a_handler_is_an_error() -> None:
    kernel = Kernel()
    with pytest.raises(KernelStateError, match="inside a state handler"):
        kernel.yield_("x")
    with pytest.raises(KernelStateError):
        kernel.delay_set("x", 1)
    with pytest.raises(KernelStateError):
        kernel.alias_set("x")


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("states", "message"),
    [
        ({"": lambda ev: None}, "non-empty str"),
        ({3: lambda ev: None}, "non-empty str"),
        ({"error": lambda ev: None}, "reserved"),
        ({"new_listener": lambda ev: None}, "reserved"),
        ({"tick": "not callable"}, "must be callable"),
        ([("tick", print)], "must be a mapping"),
    ],
)
def test_bad_states_are_rejected_with_a_clear_message(states: Any, message: str) -> None:
    kernel = Kernel()
    with pytest.raises(InvalidStateError, match=message):
        Session.create(kernel, inline_states=states)
    assert kernel.sessions == ()


def test_bad_args_are_rejected() -> None:
    with pytest.raises(InvalidStateError, match="args must be a tuple or list"):
        Session.create(Kernel(), inline_states={}, args="abc")  # type: ignore[arg-type]


@pytest.mark.parametrize("seconds", [-0.001, float("nan"), "1", None, True])
def test_bad_delays_are_rejected(seconds: Any) -> None:
    kernel = Kernel()
    raised: list[BaseException] = []

    def start(ev: Event) -> None:
        try:
            ev.kernel.delay_set("tick", seconds)
        except ValueError as exc:
            raised.append(exc)

    Session.create(kernel, inline_states={"_start": start, "tick": lambda ev: None})
    assert len(raised) == 1 and "delay must" in str(raised[0])
    run(kernel)


def test_alias_held_by_another_session_is_rejected() -> None:
    kernel = Kernel()
    first = Session.create(kernel, inline_states={"_start": lambda ev: ev.kernel.alias_set("a")})
    raised: list[BaseException] = []

    def start(ev: Event) -> None:
        with pytest.raises(AliasInUseError, match="'a' is in use") as info:
            ev.kernel.alias_set("a")
        raised.append(info.value)
        ev.kernel.alias_set("b")
        ev.kernel.alias_set("b")  # the same session again: fine

    second = Session.create(kernel, inline_states={"_start": start})
    assert raised
    assert kernel.alias_resolve("a") is first
    assert kernel.alias_resolve("b") is second
    assert kernel.alias_resolve(second.id) is second
    assert kernel.alias_resolve(second) is second
    run(kernel)
    assert kernel.alias_resolve("a") is None


def test_alias_remove() -> None:
    kernel = Kernel()
    results: list[bool] = []

    def start(ev: Event) -> None:
        ev.kernel.alias_set("x")
        results.append(ev.kernel.alias_remove("x"))
        results.append(ev.kernel.alias_remove("x"))

    Session.create(kernel, inline_states={"_start": start})
    assert results == [True, False]
    assert kernel.alias_resolve("x") is None
    run(kernel)


# ---------------------------------------------------------------- lifetime


def test_run_returns_when_only_alias_holders_remain() -> None:
    kernel = Kernel()
    stopped: list[str] = []
    Session.create(
        kernel,
        inline_states={
            "_start": lambda ev: ev.kernel.alias_set("service"),
            "_stop": lambda ev: stopped.append("service"),
            "ping": lambda ev: stopped.append("pinged"),
        },
    )

    def client_start(ev: Event) -> None:
        ev.kernel.delay("work", 0.05)

    Session.create(
        kernel,
        inline_states={
            "_start": client_start,
            "work": lambda ev: ev.kernel.post("service", "ping"),
            "_stop": lambda ev: stopped.append("client"),
        },
    )
    t0 = time.monotonic()
    run(kernel)
    # The service stayed alive while the client had a timer, then stopped with it.
    assert stopped == ["client", "pinged", "service"] or stopped == [
        "pinged",
        "client",
        "service",
    ]
    assert time.monotonic() - t0 < 2
    assert kernel.sessions == ()


def test_session_with_nothing_to_do_stops_at_once() -> None:
    kernel = Kernel()
    stopped: list[int] = []
    session = Session.create(kernel, inline_states={"_stop": lambda ev: stopped.append(1)})
    assert session.alive
    run(kernel)
    assert stopped == [1] and not session.alive


def test_timer_keeps_its_session_alive_and_dies_with_it() -> None:
    kernel = Kernel()
    fired: list[float] = []
    t0 = time.monotonic()
    Session.create(
        kernel,
        inline_states={
            "_start": lambda ev: ev.kernel.delay_set("tick", 0.1, "x"),
            "tick": lambda ev: fired.append(time.monotonic() - t0),
        },
    )
    run(kernel)
    assert len(fired) == 1 and fired[0] >= 0.09

    # A session stopped with a pending timer takes the timer with it.
    kernel = Kernel()
    late: list[str] = []

    def start(ev: Event) -> None:
        ev.kernel.delay_set("late", 0.2)
        ev.kernel.delay_set("stop_everything", 0.05)

    Session.create(
        kernel,
        inline_states={
            "_start": start,
            "late": lambda ev: late.append("fired"),
            "stop_everything": lambda ev: ev.kernel.stop(),
        },
    )
    t0 = time.monotonic()
    run(kernel)
    assert time.monotonic() - t0 < 0.15
    assert late == []


def test_delay_replaces_same_named_timers_and_alarm_remove_adjust() -> None:
    kernel = Kernel()
    fired: list[str] = []
    info: dict[str, Any] = {}

    def start(ev: Event) -> None:
        k = ev.kernel
        k.delay("tick", 0.01, "first")
        k.delay("tick", 0.02, "second")  # replaces the first
        k.delay("cleared", 0.01)
        k.delay("cleared")  # clears without a new one
        tid = k.delay_set("removed", 0.01, "r")
        info["removed"] = k.alarm_remove(tid)
        info["again"] = k.alarm_remove(tid)
        moved = k.delay_set("moved", 5.0)
        info["adjusted"] = k.delay_adjust(moved, 0.03)
        info["adjust_unknown"] = k.delay_adjust(99999, 1)

    Session.create(
        kernel,
        inline_states={
            "_start": start,
            "tick": lambda ev: fired.append(f"tick {ev.arg0}"),
            "cleared": lambda ev: fired.append("cleared"),
            "removed": lambda ev: fired.append("removed"),
            "moved": lambda ev: fired.append("moved"),
        },
    )
    t0 = time.monotonic()
    run(kernel)
    assert time.monotonic() - t0 < 1.0
    assert fired == ["tick second", "moved"]
    state, left, args = info["removed"]
    assert (state, args) == ("removed", ("r",)) and 0 <= left <= 0.01
    assert info["again"] is None
    assert info["adjusted"] is True and info["adjust_unknown"] is False


def test_refcount_keeps_a_session_alive() -> None:
    kernel = Kernel()
    holder = Session.create(kernel, inline_states={"done": lambda ev: None})
    assert kernel.refcount_increment(holder, "pending") == 1
    stopped_at: list[float] = []
    t0 = time.monotonic()

    def release(ev: Event) -> None:
        assert ev.kernel.refcount_decrement(holder, "pending") == 0

    Session.create(
        kernel,
        inline_states={
            "_start": lambda ev: ev.kernel.delay_set("release", 0.05),
            "release": release,
        },
    )
    kernel.events.on("session_stopped", lambda s: stopped_at.append(time.monotonic() - t0))
    run(kernel)
    assert len(stopped_at) == 2 and min(stopped_at) >= 0.04
    assert kernel.refcount_decrement(holder, "pending") == 0  # gone: harmless


def test_sender_kept_alive_until_its_event_is_dispatched() -> None:
    kernel = Kernel()
    order: list[str] = []
    receiver = Session.create(kernel, inline_states={"msg": lambda ev: order.append("msg")})

    def start(ev: Event) -> None:
        ev.kernel.post(receiver, "msg")

    Session.create(
        kernel, inline_states={"_start": start, "_stop": lambda ev: order.append("sender stop")}
    )
    run(kernel)
    assert order == ["msg", "sender stop"]


def test_posts_from_stop_are_dropped() -> None:
    kernel = Kernel()
    results: list[Any] = []
    other = Session.create(
        kernel,
        inline_states={
            "_start": lambda ev: ev.kernel.alias_set("other"),
            "msg": lambda ev: results.append("delivered"),
        },
    )

    def stop(ev: Event) -> None:
        results.append(ev.kernel.post(other, "msg"))
        results.append(ev.kernel.post(ev.session, "again"))

    Session.create(
        kernel,
        inline_states={"_stop": stop, "again": lambda ev: results.append("again")},
    )
    run(kernel)
    assert results == [False, False]


def test_run_twice_in_one_process_with_fresh_kernels_and_rerun() -> None:
    def one_kernel() -> list[int]:
        kernel = Kernel()
        hits: list[int] = []
        Session.create(
            kernel,
            inline_states={
                "_start": lambda ev: ev.kernel.delay("t", 0.01),
                "t": lambda ev: hits.append(1),
            },
        )
        kernel.run()
        # The same kernel runs again with a new session.
        Session.create(
            kernel,
            inline_states={
                "_start": lambda ev: ev.kernel.yield_("t"),
                "t": lambda ev: hits.append(2),
            },
        )
        kernel.run()
        return hits

    assert one_kernel() == [1, 2]
    assert one_kernel() == [1, 2]


def test_run_returns_at_once_without_sessions() -> None:
    t0 = time.monotonic()
    Kernel().run()
    assert time.monotonic() - t0 < 0.5


def test_run_async_in_a_running_loop_and_double_run() -> None:
    async def main() -> None:
        kernel = Kernel()
        Session.create(
            kernel,
            inline_states={"_start": lambda ev: ev.kernel.delay("t", 0.05), "t": lambda ev: None},
        )
        task = asyncio.ensure_future(kernel.run_async())
        await asyncio.sleep(0.01)
        with pytest.raises(KernelStateError, match="already running"):
            await kernel.run_async()
        with pytest.raises(RuntimeError, match="run_async"):
            kernel.run()  # inside a running loop
        await asyncio.wait_for(task, 5)

    asyncio.run(main())


def test_cancelling_run_async_stops_every_session() -> None:
    stopped: list[int] = []

    async def main() -> None:
        kernel = Kernel()
        Session.create(
            kernel,
            inline_states={
                "_start": lambda ev: ev.kernel.delay("t", 60),
                "t": lambda ev: None,
                "_stop": lambda ev: stopped.append(ev.session.id),
            },
        )
        task = asyncio.ensure_future(kernel.run_async())
        await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert kernel.sessions == ()

    asyncio.run(main())
    assert stopped == [1]


# ---------------------------------------------------------------- starvation, threads


def test_self_posting_forever_does_not_starve_timers_or_sockets() -> None:
    kernel = Kernel()
    got: dict[str, Any] = {"spins": 0}
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.setblocking(False)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    def spin(ev: Event) -> None:
        got["spins"] += 1
        if "timer" in got and "datagram" in got:
            ev.kernel.stop()
        else:
            ev.kernel.yield_("spin")

    def start(ev: Event) -> None:
        ev.kernel.yield_("spin")
        ev.kernel.delay("timer", 0.05)

    Session.create(
        kernel,
        inline_states={
            "_start": start,
            "spin": spin,
            "timer": lambda ev: got.setdefault("timer", got["spins"]),
        },
    )

    async def main() -> None:
        loop = asyncio.get_running_loop()
        loop.add_reader(receiver.fileno(), lambda: got.setdefault("datagram", receiver.recv(100)))
        loop.call_later(0.02, sender.sendto, b"hello", receiver.getsockname())
        try:
            await asyncio.wait_for(kernel.run_async(), 5)
        finally:
            loop.remove_reader(receiver.fileno())

    try:
        asyncio.run(main())
    finally:
        receiver.close()
        sender.close()
    assert got["datagram"] == b"hello"
    assert got["timer"] > 0  # the timer fired while the session was spinning


def test_post_threadsafe_from_another_thread() -> None:
    kernel = Kernel()
    got: list[Any] = []

    def start(ev: Event) -> None:
        ev.kernel.alias_set("worker")
        ev.kernel.refcount_increment(ev.session, "waiting for thread")
        threading.Thread(target=lambda: kernel.post_threadsafe("worker", "result", 42)).start()

    def result(ev: Event) -> None:
        got.append((ev.arg0, threading.current_thread() is threading.main_thread(), ev.sender))
        ev.kernel.refcount_decrement(ev.session, "waiting for thread")

    Session.create(kernel, inline_states={"_start": start, "result": result})
    run(kernel)
    assert got == [(42, True, None)]


def test_post_threadsafe_before_run_is_delivered_when_it_starts() -> None:
    kernel = Kernel()
    got: list[int] = []
    Session.create(
        kernel,
        inline_states={
            "_start": lambda ev: ev.kernel.alias_set("w"),
            "x": lambda ev: got.append(ev.arg0),
        },
    )
    thread = threading.Thread(target=lambda: kernel.post_threadsafe("w", "x", 5))
    thread.start()
    thread.join()
    run(kernel)
    assert got == [5]


# ---------------------------------------------------------------- errors, coroutines


def test_handler_error_routes_to_error_state_and_kernel_keeps_running() -> None:
    kernel = Kernel()
    seen: list[Any] = []
    observed: list[Any] = []
    kernel.events.on("handler_error", lambda s, ev, exc: observed.append((ev.state, exc)))

    def boom(ev: Event) -> None:
        ev.kernel.yield_("after")
        raise ValueError("boom")

    Session.create(
        kernel,
        inline_states={
            "_start": lambda ev: ev.kernel.yield_("boom", 1),
            "boom": boom,
            "after": lambda ev: seen.append("after"),
            "_error": lambda ev: seen.append((type(ev.arg0).__name__, ev.arg1, ev.arg2)),
        },
    )
    run(kernel)
    assert seen == [("ValueError", "boom", (1,)), "after"]
    assert [(s, str(e)) for s, e in observed] == [("boom", "boom")]


def test_handler_error_without_error_state_is_logged(caplog: Any) -> None:
    kernel = Kernel()
    caplog.set_level(logging.ERROR, logger="snmp_component.kernel")
    after: list[int] = []
    Session.create(
        kernel,
        inline_states={
            "_start": lambda ev: (ev.kernel.yield_("bad"), ev.kernel.yield_("good")),
            "bad": lambda ev: 1 / 0,
            "good": lambda ev: after.append(1),
        },
    )
    run(kernel)
    assert after == [1]
    assert "handler of 'bad'" in caplog.text and "ZeroDivisionError" in caplog.text


def test_observer_that_raises_does_not_break_the_kernel(caplog: Any) -> None:
    kernel = Kernel()

    def bad_observer(session: Session) -> None:
        raise RuntimeError("observer bug")

    kernel.events.on("session_started", bad_observer)
    Session.create(kernel, inline_states={})
    run(kernel)
    assert "observer bug" in caplog.text


def test_coroutine_handler_runs_as_a_task_that_keeps_the_session_alive() -> None:
    kernel = Kernel()
    seen: list[Any] = []

    async def slow(ev: Event) -> None:
        await asyncio.sleep(0.05)
        seen.append("slow done")
        raise KeyError("late failure")

    Session.create(
        kernel,
        inline_states={
            "_start": lambda ev: ev.kernel.yield_("slow"),
            "slow": slow,
            "_error": lambda ev: seen.append(("error", ev.arg1, repr(ev.arg0))),
        },
    )
    run(kernel)
    assert seen == ["slow done", ("error", "slow", "KeyError('late failure')")]


def test_repr_shows_live_state() -> None:
    kernel = Kernel()
    session = Session.create(kernel, inline_states={"_start": lambda ev: ev.kernel.alias_set("r")})
    assert "aliases=['r']" in repr(session) and "alive" in repr(session)
    assert "sessions=1" in repr(kernel)
    run(kernel)
    assert "stopped" in repr(session)


def test_keyword_arguments_reach_the_handler() -> None:
    kernel = Kernel()
    seen: list[Any] = []

    def start(ev: Event) -> None:
        ev.kernel.yield_("kw", 1, flag=True)
        seen.append(ev.kernel.call(ev.session, "kw", 2, name="x"))
        seen.append(("start kwargs", ev.kwargs))

    def kw(ev: Event) -> str:
        seen.append((ev.args, ev.kwargs))
        return "ok"

    def default(ev: Event) -> None:
        seen.append(("default", ev.arg0, ev.arg1, ev.kwargs))

    Session.create(kernel, inline_states={"_start": start, "kw": kw, "_default": default})
    kernel.post(kernel.sessions[0], "other", 3, cb=[1])
    run(kernel)
    assert seen == [
        ((2,), {"name": "x"}),
        "ok",
        ("start kwargs", {}),
        ((1,), {"flag": True}),
        ("default", "other", (3,), {"cb": [1]}),
    ]


def test_shared_states_serve_many_sessions_through_their_heaps() -> None:
    from snmp_component.kernel import state_table

    kernel = Kernel()
    seen: list[tuple[int, str]] = []
    table = state_table(
        {
            "_start": lambda ev: ev.kernel.yield_("hello"),
            "hello": lambda ev: seen.append((ev.session.id, ev.heap["name"])),
        }
    )
    sessions = [Session.create(kernel, heap={"name": name}, shared_states=table) for name in "abc"]
    assert all(s.emitter is table for s in sessions)
    with pytest.raises(InvalidStateError, match="not both"):
        Session.create(kernel, inline_states={"x": print}, shared_states=table)
    with pytest.raises(InvalidStateError, match="reserved"):
        state_table({"error": print})
    run(kernel)
    assert sorted(seen) == [(s.id, n) for s, n in zip(sessions, "abc", strict=True)]


def test_handler_lookup_follows_pyee_public_api() -> None:
    # Session.handler reads pyee's table directly for speed: pin it to the public API.
    session = Session.create(Kernel(), inline_states={"a": print})
    assert session.handler("a") is print and session.handler("b") is None
    session.emitter.add_listener("b", repr)
    assert session.handler("b") is repr
    session.emitter.on("c", str)
    assert session.handler("c") is str
    session.emitter.remove_listener("b", repr)
    assert session.handler("b") is None
    session.emitter.remove_all_listeners("c")
    assert session.handler("c") is None
    session.set_state("a", None)
    assert session.handler("a") is None and session.handler("_start") is None


# ---------------------------------------------------------------- bounded slices, stop phases


@pytest.mark.parametrize("burst", [10_000, 50_000])
def test_a_burst_of_posts_is_dispatched_in_slices_that_let_the_loop_run(burst: int) -> None:
    """No library-caused stall: between two ticks of a ticker task the loop's thread does
    at most one slice of dispatching (measured in the thread's CPU time, so a busy
    machine does not count), and FIFO order holds across slices."""
    kernel = Kernel()
    seen: list[int] = []
    meter = StallMeter()

    def start(ev: Event) -> None:
        for i in range(burst):
            ev.kernel.yield_("tick", i)

    Session.create(kernel, inline_states={"_start": start, "tick": lambda ev: seen.append(ev.arg0)})

    async def main() -> None:
        task = asyncio.ensure_future(meter.ticker(lambda: len(seen) >= burst))
        await kernel.run_async()
        await task

    with paused_gc():
        asyncio.run(main())
    assert seen == list(range(burst))
    meter.check()


def test_stop_gives_shutdown_handlers_the_dropped_events_while_all_sessions_live() -> None:
    kernel = Kernel()
    log_: list[Any] = []

    def service_shutdown(ev: Event) -> None:
        dropped = [(d.state, d.args, d.sender is client) for d in ev.arg0]
        log_.append(("shutdown", dropped, client.alive, ev.kernel.stopping))
        ev.kernel.call(client, "answer", "owed")  # the client is still alive
        log_.append(("post during stop", ev.kernel.post(client, "answer", "late")))

    service = Session.create(
        kernel, inline_states={"_shutdown": service_shutdown, "work": lambda ev: None}
    )

    def go(ev: Event) -> None:
        ev.kernel.post(service, "work", 1)
        ev.kernel.post(service, "work", 2)
        ev.kernel.stop()

    client = Session.create(
        kernel,
        inline_states={
            "go": go,
            "answer": lambda ev: log_.append(("answer", ev.arg0)),
            "_stop": lambda ev: log_.append(("client stop",)),
        },
    )
    kernel.call(client, "go")
    assert log_ == [
        ("shutdown", [("work", (1,), True), ("work", (2,), True)], True, True),
        ("answer", "owed"),
        ("post during stop", False),
        ("client stop",),
    ]
    assert not kernel.sessions and not kernel.stopping


def test_the_kernel_keeps_each_sessions_bookkeeping_and_leaves_nothing_behind(
    caplog: Any,
) -> None:
    """Aliases, timers, reference counts, tasks and queued events all end with the run:
    the kernel's own records say so (no leak warning), and a stopped session reads as
    stopped with no counts."""
    caplog.set_level(logging.WARNING, logger="snmp_component.kernel")
    kernel = Kernel()
    seen: list[str] = []

    def start(ev: Event) -> None:
        ev.kernel.alias_set("svc")
        ev.kernel.refcount_increment(ev.session, "work")
        ev.kernel.delay_set("tick", 0.01)
        ev.kernel.delay_set("never", 60.0)

    async def slow(ev: Event) -> None:
        await asyncio.sleep(0.01)
        seen.append("task")

    def tick(ev: Event) -> None:
        assert ev.kernel.refcounts(ev.session) == {"work": 1}
        ev.kernel.yield_("slow")
        ev.kernel.post("client", "hello")
        ev.kernel.refcount_decrement(ev.session, "work")

    def client_start(ev: Event) -> None:
        ev.kernel.alias_set("client")

    def hello(ev: Event) -> None:
        seen.append("hello")
        ev.kernel.alias_remove("client")
        ev.kernel.post("svc", "bye")

    def bye(ev: Event) -> None:
        seen.append("bye")
        ev.kernel.delay("never")  # the last timer goes: nothing keeps it alive
        ev.kernel.alias_remove("svc")

    service = Session.create(
        kernel, {"_start": start, "tick": tick, "never": print, "slow": slow, "bye": bye}
    )
    client = Session.create(kernel, {"_start": client_start, "hello": hello})
    assert kernel.refcounts("svc") == {"work": 1} and service.aliases == {"svc"}
    kernel.run()
    assert sorted(seen) == ["bye", "hello", "task"]
    assert not service.alive and not client.alive and not kernel.sessions
    assert kernel.refcounts(service) == {} and service.aliases == frozenset()
    assert "leaked" not in caplog.text
