"""Host name resolution off the event loop that never holds up the loop's shutdown.

asyncio's ``loop.getaddrinfo`` runs in the loop's default executor, and ``asyncio.run()``
joins that executor's threads on the way out: one resolver that hangs for seconds holds
up ``kernel.run()``'s return, and ``kernel.stop()`` with it. Lookups here run in a few
daemon threads of this module's own instead; an answer reaches its loop with
``call_soon_threadsafe`` and is dropped if the loop has closed or nobody waits any more.

Invariants:

* At most :data:`MAX_THREADS` lookups run at once; the rest wait in FIFO order.
* :func:`resolve` never blocks; its future is completed on the loop that asked, once.
* A lookup still running when the process exits does not delay the exit.
"""

from __future__ import annotations

import asyncio
import queue
import socket
import threading
from collections.abc import Callable
from typing import Any

MAX_THREADS = 32
"""Lookups at once: enough that a few hanging names do not hold up the others."""

AddrInfo = list[tuple[Any, ...]]

getaddrinfo: Callable[..., AddrInfo] = socket.getaddrinfo
"""The lookup the threads run (``socket.getaddrinfo``; a test may put a slow one here)."""

_Work = tuple[asyncio.AbstractEventLoop, "asyncio.Future[AddrInfo]", str, int, int]

_lock = threading.Lock()
_work: queue.SimpleQueue[_Work] = queue.SimpleQueue()
_threads = 0


def resolve(host: str, port: int, family: int = 0) -> asyncio.Future[AddrInfo]:
    """Resolve ``host``/``port`` for UDP (in ``family``, or any); a future of
    ``getaddrinfo``'s list.

    Must be called on a running event loop. Cancelling the future abandons the lookup
    (the thread finishes it and drops the answer).
    """
    global _threads
    loop = asyncio.get_running_loop()
    future: asyncio.Future[AddrInfo] = loop.create_future()
    _work.put((loop, future, host, port, family))
    with _lock:
        if _threads >= MAX_THREADS:
            return future
        _threads += 1
    threading.Thread(target=_worker, name="snmp_component-resolver", daemon=True).start()
    return future


def _worker() -> None:
    while True:
        loop, future, host, port, family = _work.get()
        if future.cancelled():
            continue
        try:
            result: AddrInfo | BaseException = getaddrinfo(
                host, port, family, type=socket.SOCK_DGRAM
            )
        except Exception as exc:  # gaierror, UnicodeError (IDNA), ...
            result = exc
        try:
            loop.call_soon_threadsafe(_settle, future, result)
        except RuntimeError:
            pass  # the loop has closed: nobody waits for this answer


def _settle(future: asyncio.Future[AddrInfo], result: AddrInfo | BaseException) -> None:
    if future.done():
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)
