"""Sessions: a heap, a table of state handlers, and the counters that keep them alive.

A session's handler table is a :class:`pyee.EventEmitter`: each state name is an event
name with exactly one listener, the handler. The kernel looks handlers up in it and calls
them itself (it never ``emit``s through it), so dispatch order stays the kernel's FIFO and
a handler's return value reaches :meth:`Kernel.call`.

pyee gives two names a meaning of their own (``error`` is raised when emitted without a
listener, ``new_listener`` is emitted on every registration), so they cannot be states.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pyee import EventEmitter

from .errors import InvalidStateError

if TYPE_CHECKING:
    from ._lifetime import _Life
    from .event import Event
    from .kernel import Kernel

Handler = Callable[["Event"], Any]
"""A state handler: a plain function taking one :class:`Event`."""

RESERVED_STATES = frozenset({"error", "new_listener"})

_PYEE_TABLE = type(getattr(EventEmitter(), "_events", None)) is dict
"""pyee keeps its handlers in ``_events`` as ``Session.handler`` reads them (pyee 13)."""


def check_state_name(name: object) -> str:
    """Return ``name`` if it can name a state, else raise :class:`InvalidStateError`."""
    if not isinstance(name, str) or not name:
        raise InvalidStateError(f"a state name must be a non-empty str, not {name!r}")
    if name in RESERVED_STATES:
        raise InvalidStateError(
            f"state name {name!r} is reserved (pyee gives it a meaning of its own)"
        )
    return name


def state_table(states: Mapping[str, Handler]) -> EventEmitter:
    """A pyee handler table for ``states`` (validated), usable as ``shared_states``."""
    table = EventEmitter()
    for name, handler in states.items():
        _set_handler(table, name, handler)
    return table


def _set_handler(table: EventEmitter, name: str, handler: Handler | None) -> None:
    check_state_name(name)
    if handler is not None and not callable(handler):
        raise InvalidStateError(
            f"handler for state {name!r} must be callable, not {type(handler).__name__}"
        )
    for old in table.listeners(name):  # (remove_all_listeners(name) would leave an empty dict)
        table.remove_listener(name, old)
    if handler is not None:
        table.add_listener(name, handler)


class Session:
    """A POE-style session: a unit of state handlers sharing one heap.

    Create sessions with :meth:`Session.create`; the kernel owns their lifetime. A
    session lives while events are queued to or from it, it has timers, named
    reference counts (e.g. outstanding SNMP requests) or running handler tasks, or
    while it holds an alias and some other session is alive for one of those reasons.

    Attributes:
        kernel: the kernel the session belongs to.
        id: a small integer unique within the kernel (usable as a ``post`` destination).
        heap: the session's private data (a ``dict`` unless another object was given).
        emitter: the pyee emitter holding the state handlers.
    """

    def __init__(
        self, kernel: Kernel, states: Mapping[str, Handler] | EventEmitter, heap: Any
    ) -> None:
        self.kernel = kernel
        self.id = 0  # assigned by the kernel on registration
        self.heap = heap
        if isinstance(states, EventEmitter):
            self.emitter = states  # a table shared by many sessions of one kind
        else:
            self.emitter = state_table(states)
        # the kernel's record of this session's lifetime (it alone changes it)
        self._life: _Life | None = None

    @classmethod
    def create(
        cls,
        kernel: Kernel,
        inline_states: Mapping[str, Handler] | None = None,
        heap: Any = None,
        args: tuple[Any, ...] | list[Any] = (),
        *,
        shared_states: EventEmitter | None = None,
    ) -> Session:
        """Create a session in ``kernel`` and run its ``_start`` handler.

        Args:
            kernel: the kernel that will run the session.
            inline_states: state name -> handler. ``_start``, ``_stop``, ``_default``
                and ``_error`` have the kernel's special meanings.
            heap: the session's heap; a new ``dict`` when omitted.
            args: passed to ``_start`` as ``ev.args``.
            shared_states: instead of ``inline_states``, a handler table made by
                :func:`state_table` and shared by many sessions of one kind (POE's
                package states): handlers reach each session's data through
                ``ev.heap``. It saves memory when there are thousands of sessions;
                ``set_state`` on one of them changes them all.

        Returns:
            The session, after ``_start`` has run (also when it raised: the error is
            routed like any handler error).

        Raises:
            InvalidStateError: a state name is not a non-empty str, is reserved
                (``error``, ``new_listener``), or its handler is not callable.
        """
        if inline_states is not None and not isinstance(inline_states, Mapping):
            raise InvalidStateError(
                f"inline_states must be a mapping of state name to handler, "
                f"not {type(inline_states).__name__}"
            )
        if not isinstance(args, tuple | list):
            raise InvalidStateError(f"args must be a tuple or list, not {type(args).__name__}")
        if shared_states is not None and inline_states:
            raise InvalidStateError("give inline_states or shared_states, not both")
        states = shared_states if shared_states is not None else (inline_states or {})
        session = cls(kernel, states, {} if heap is None else heap)
        kernel._register(session, tuple(args))
        return session

    def set_state(self, name: str, handler: Handler | None) -> None:
        """Install, replace (or with ``None`` remove) the handler of state ``name``."""
        _set_handler(self.emitter, name, handler)

    def handler(self, state: str) -> Handler | None:
        """The handler of ``state``, or ``None``."""
        # The dispatch hot path: read pyee 13's table directly (event -> OrderedDict of
        # listener -> callable) instead of listeners(), which locks and copies a list.
        # tests/kernel pins this against pyee's public API; other pyee versions fall back.
        if _PYEE_TABLE:
            listeners = self.emitter._events.get(state)
            if listeners:
                *_, handler = listeners.values()  # the last one registered
                return handler
            return None
        found = self.emitter.listeners(state)
        return found[-1] if found else None

    def handles(self, state: str) -> bool:
        """Whether an event ``state`` would find a handler here (its own, or ``_default``)."""
        if _PYEE_TABLE:  # (as handler(): one dict read per name, no handler fetched)
            table = self.emitter._events
            return bool(table.get(state) or table.get("_default"))
        return self.handler(state) is not None or self.handler("_default") is not None

    @property
    def aliases(self) -> frozenset[str]:
        """The aliases this session holds."""
        life = self._life
        return frozenset(life.aliases) if life is not None else frozenset()

    @property
    def stopping(self) -> bool:
        """True while the session's ``_stop`` handler runs."""
        life = self._life
        return life is not None and life.stopping and life.alive

    @property
    def alive(self) -> bool:
        """True from registration until the session has stopped."""
        life = self._life
        return life is not None and life.alive

    def __repr__(self) -> str:
        life = self._life
        if life is None:
            return f"<{type(self).__name__} id={self.id} unregistered>"
        status = ("stopping" if life.stopping else "alive") if life.alive else "stopped"
        return (
            f"<{type(self).__name__} id={self.id} aliases={sorted(life.aliases)} "
            f"queued={life.queued} timers={len(life.timers)} refs={dict(life.refcounts)} "
            f"tasks={len(life.tasks)} {status}>"
        )
