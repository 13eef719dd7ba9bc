"""The event envelope handed to every state handler (POE's ``@_[KERNEL, HEAP, ...]``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .kernel import Kernel
    from .session import Session


def _arg(index: int) -> property:
    def get(self: Event) -> Any:
        args = self.args
        return args[index] if index < len(args) else None

    get.__doc__ = f"``args[{index}]`` (POE's ARG{index}), or ``None`` when absent."
    return property(get)


class Event:
    """What a state handler receives: who, what, and the arguments.

    Attributes:
        kernel: the kernel dispatching the event.
        session: the session whose handler runs (POE's ``SESSION``).
        sender: the session that posted the event, or ``None`` when it came from
            outside any handler (POE's ``SENDER`` being the kernel).
        state: the state name being dispatched (POE's ``STATE``).
        args: the positional arguments, a tuple (POE's ``ARG0 .. ARGn``).
        kwargs: the keyword arguments given to ``post``/``call`` (usually empty).

    ``ev.arg0`` .. ``ev.arg9`` read ``args`` by position and are ``None`` when absent.
    """

    __slots__ = ("args", "kernel", "kwargs", "sender", "session", "state")

    def __init__(
        self,
        kernel: Kernel,
        session: Session,
        sender: Session | None,
        state: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        self.kernel = kernel
        self.session = session
        self.sender = sender
        self.state = state
        self.args = args
        self.kwargs: dict[str, Any] = {} if kwargs is None else kwargs

    @property
    def heap(self) -> Any:
        """The receiving session's heap (POE's ``HEAP``)."""
        return self.session.heap

    arg0 = _arg(0)
    arg1 = _arg(1)
    arg2 = _arg(2)
    arg3 = _arg(3)
    arg4 = _arg(4)
    arg5 = _arg(5)
    arg6 = _arg(6)
    arg7 = _arg(7)
    arg8 = _arg(8)
    arg9 = _arg(9)

    def __repr__(self) -> str:
        sender = "kernel" if self.sender is None else f"session {self.sender.id}"
        return (
            f"<Event {self.state!r} to session {self.session.id} from {sender} "
            f"args={len(self.args)}>"
        )
