"""The two callback arguments: ``Request`` (ARG0) and ``Response`` (ARG1).

Both are tuples, so ``session, alias, host, cmd, *args = request`` and
``varlist, *callback_args = response`` unpack as in POE::Component::SNMP::Session, and
both also read by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from .varbind import VarList

if TYPE_CHECKING:
    from .component import SNMPSession
    from .errors import SNMPError

Answer: TypeAlias = VarList | list[VarList] | dict[Any, dict[str, Any]]
"""What a request answers with: a ``VarList`` (get, getnext, set, getbulk), one ``VarList``
per requested var (walk, bulkwalk), or a table's rows by index (table)."""

_new_tuple = tuple.__new__  # (what super().__new__ finds, without building a super object)


class Request(tuple[Any, ...]):
    """ARG0: ``(session, alias, host, cmd, *args)``.

    Attributes:
        session: the ``SNMPSession`` the request went to.
        alias: the component's alias.
        host: the ``DestHost`` given at create (never ``None``).
        cmd: ``get``, ``getnext``, ``set``, ``getbulk``, ``bulkwalk``, ``walk``, ...
        args: the posted request arguments (the same objects), without ``callback_args``.
    """

    __slots__ = ()

    def __new__(
        cls, session: SNMPSession, alias: str, host: str, cmd: str, args: Sequence[Any]
    ) -> Request:
        return _new_tuple(cls, (session, alias, host, cmd, *args))

    @property
    def session(self) -> SNMPSession:
        return self[0]  # type: ignore[no-any-return]

    @property
    def alias(self) -> str:
        return str(self[1])

    @property
    def host(self) -> str:
        return str(self[2])

    @property
    def cmd(self) -> str:
        return str(self[3])

    @property
    def args(self) -> tuple[Any, ...]:
        return tuple(self[4:])

    def __repr__(self) -> str:
        return f"Request(alias={self[1]!r}, host={self[2]!r}, cmd={self[3]!r}, args={self.args!r})"


class Response(tuple[Any, ...]):
    """ARG1: ``(varlist, *callback_args)``.

    Attributes:
        varlist: the :data:`Answer`: a ``VarList`` (for ``walk``/``bulkwalk`` a list of
            them, one per requested var; for ``table`` the rows by index); ``None`` on any
            failure.
        callback_args: the ``callback_args`` given with the request, as a tuple.
        error: ``None`` on success, else the :class:`~snmp_component.errors.SNMPError`.
    """

    error: SNMPError | None = None  # set on the instance only for a failure

    def __new__(
        cls,
        varlist: Answer | None,
        callback_args: Sequence[Any] = (),
        error: SNMPError | None = None,
    ) -> Response:
        self = _new_tuple(cls, (varlist, *callback_args))
        if error is not None:
            self.error = error
        return self

    @property
    def varlist(self) -> Answer | None:
        return self[0]  # type: ignore[no-any-return]

    @property
    def callback_args(self) -> tuple[Any, ...]:
        return tuple(self[1:])

    def __repr__(self) -> str:
        return (
            f"Response(varlist={self[0]!r}, callback_args={self.callback_args!r}, "
            f"error={self.error!r})"
        )
