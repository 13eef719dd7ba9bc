"""The exception hierarchy.

Errors are values in callbacks (``response.error``) and exceptions in the awaitable
API: the same objects. Every :class:`SNMPError` carries net-snmp's three session
fields, which the component copies onto ``session.ErrorStr``, ``ErrorNum`` and
``ErrorInd`` before a callback runs:

* ``error_str``: the text (net-snmp's spelling where net-snmp has one);
* ``error_num``: the agent's error-status (1..18), or a negative client code
  (-24 ``Timeout``, -58 ``Unknown Object Identifier``, ...);
* ``error_index``: the 1-based index of the offending varbind, or 0.

::

    KernelError (re-exported from the kernel): NoSuchSessionError, UnknownStateError,
                 AliasInUseError, InvalidStateError, KernelStateError

    SNMPComponentError
    └── SNMPError
        ├── ConfigurationError (also ValueError): bad create() keyword or request input
        │   ├── UnknownObjectError     -58 a name or OID that does not parse/resolve
        │   ├── BadTypeError           -61 a set value/type that cannot be encoded
        │   └── VersionMismatchError    -7 a v2 PDU (getbulk, bulkwalk) on a v1 session
        ├── SNMPTimeoutError (also TimeoutError)  -24
        ├── ErrorStatusError: .status .index .oid; one subclass per RFC 3416 status
        ├── SecurityError: WrongDigest, UnknownUserName, UnsupportedSecurityLevel,
        │                  DecryptionError, UnknownEngineID, NotInTimeWindow
        ├── WalkError: OidNotIncreasing, WalkLimitExceeded
        ├── DecodeError: a reply that could not be decoded
        ├── TransportError (also OSError): resolution, send or socket failure
        │   └── ResourceError: this host ran out of something (file descriptors, memory)
        └── ShutdownError: the component or kernel went away before an answer
"""

from __future__ import annotations

import errno
from typing import Any, ClassVar

from .kernel.errors import (
    AliasInUseError,
    InvalidStateError,
    KernelError,
    KernelStateError,
    NoSuchSessionError,
    UnknownStateError,
)

__all__ = [
    "AliasInUseError",
    "AuthorizationError",
    "BadTypeError",
    "BadValue",
    "CommitFailed",
    "ConfigurationError",
    "DecodeError",
    "DecryptionError",
    "ErrorStatusError",
    "GenErr",
    "InconsistentName",
    "InconsistentValue",
    "InvalidStateError",
    "KernelError",
    "KernelStateError",
    "NoAccess",
    "NoCreation",
    "NoSuchName",
    "NoSuchSessionError",
    "NotInTimeWindow",
    "NotWritable",
    "OidNotIncreasing",
    "ReadOnly",
    "ResourceError",
    "ResourceUnavailable",
    "SNMPComponentError",
    "SNMPError",
    "SNMPTimeoutError",
    "SecurityError",
    "ShutdownError",
    "TooBig",
    "TransportError",
    "UndoFailed",
    "UnknownEngineID",
    "UnknownObjectError",
    "UnknownStateError",
    "UnknownUserName",
    "UnsupportedSecurityLevel",
    "VersionMismatchError",
    "WalkError",
    "WalkLimitExceeded",
    "WrongDigest",
    "WrongEncoding",
    "WrongLength",
    "WrongType",
    "WrongValue",
    "as_snmp_error",
]


class SNMPComponentError(Exception):
    """Base class of every error this package raises or reports."""


class SNMPError(SNMPComponentError):
    """A request failed; carries net-snmp's ``ErrorStr``/``ErrorNum``/``ErrorInd``.

    Attributes:
        partial: for a ``walk``, ``bulkwalk`` or ``table`` request that failed part way
            (a timeout, ``OidNotIncreasing``, a limit, shutdown...), what was received
            before the error, in the shape a success would have had: one ``VarList`` per
            requested var, or the table's rows. ``None`` for other requests.
    """

    default_num: ClassVar[int] = -1  # net-snmp SNMPERR_GENERR, "Generic error"

    def __init__(self, message: str, *, error_num: int | None = None, error_index: int = 0):
        super().__init__(message)
        self.error_str = message
        self.error_num = self.default_num if error_num is None else error_num
        self.error_index = error_index
        self.partial: Any = None


class ConfigurationError(SNMPError, ValueError):
    """A create() keyword or a request argument is wrong; the message names it."""


class UnknownObjectError(ConfigurationError):
    """A name or OID in ``vars`` does not parse or resolve."""

    default_num = -58  # "Unknown Object Identifier"


class BadTypeError(ConfigurationError):
    """A set value does not fit its type, or no type could be derived for it."""

    default_num = -61  # "Bad variable type"


class VersionMismatchError(ConfigurationError):
    """A request needs a newer SNMP version than the component speaks (getbulk on v1)."""

    default_num = -7  # "Cannot send V2 PDU on V1 session"


class SNMPTimeoutError(SNMPError, TimeoutError):
    """No answer after every attempt (``Timeout`` x (``Retries`` + 1))."""

    default_num = -24

    def __init__(
        self,
        message: str = "Timeout",
        *,
        attempts: int = 1,
        elapsed: float = 0.0,
        error_index: int = 0,
    ) -> None:
        super().__init__(message, error_index=error_index)
        self.attempts = attempts
        self.elapsed = elapsed


_RESOURCE_ERRNOS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.ENOBUFS})

# net-snmp 5.9.3 snmp_errstring() texts, indexed by error-status.
_STATUS_TEXT = {
    1: "(tooBig) Response message would have been too large.",
    2: "(noSuchName) There is no such variable name in this MIB.",
    3: "(badValue) The value given has the wrong type or length.",
    4: "(readOnly) The two parties used do not have access to use the specified SNMP PDU.",
    5: "(genError) A general failure occured",
    6: "noAccess",
    7: "wrongType (The set datatype does not match the data type the agent expects)",
    8: "wrongLength (The set value has an illegal length from what the agent expects)",
    9: "wrongEncoding",
    10: "wrongValue (The set value is illegal or unsupported in some way)",
    11: "noCreation (That table does not support row creation or that object can not "
    "ever be created)",
    12: "inconsistentValue (The set value is illegal or unsupported in some way)",
    13: "resourceUnavailable (This is likely a out-of-memory failure within the agent)",
    14: "commitFailed",
    15: "undoFailed",
    16: "authorizationError (access denied to that object)",
    17: "notWritable (That object does not support modification)",
    18: "inconsistentName (That object can not currently be created)",
}


class ErrorStatusError(SNMPError):
    """The agent answered with a non-zero error-status (RFC 3416).

    Attributes:
        status: the error-status number (also ``error_num``).
        index: the 1-based error-index (also ``error_index``).
        oid: the offending varbind's OID as ``".1.3..."``, or ``None``.
        varlist: the varbinds the agent sent back with the error (net-snmp shows them),
            or ``None``.
    """

    status: ClassVar[int] = 0
    _by_status: ClassVar[dict[int, type[ErrorStatusError]]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        ErrorStatusError._by_status[cls.status] = cls

    def __init__(self, status: int, index: int = 0, oid: str | None = None) -> None:
        text = _STATUS_TEXT.get(status, f"Unknown Error (error-status {status})")
        super().__init__(text, error_num=status, error_index=index)
        self.status = status  # type: ignore[misc]  # instances of the base may carry any
        self.index = index
        self.oid = oid
        self.varlist: Any = None

    @classmethod
    def from_status(cls, status: int, index: int = 0, oid: str | None = None) -> ErrorStatusError:
        """The instance of the subclass named after ``status`` (the base for unknown ones)."""
        return cls._by_status.get(status, ErrorStatusError)(status, index, oid)


class TooBig(ErrorStatusError):
    """tooBig(1): the response would not fit in one message."""

    status = 1


class NoSuchName(ErrorStatusError):
    """noSuchName(2): SNMPv1's answer for a missing object or the end of the MIB."""

    status = 2


class BadValue(ErrorStatusError):
    """badValue(3): SNMPv1's answer for a set value of the wrong type or length."""

    status = 3


class ReadOnly(ErrorStatusError):
    """readOnly(4): SNMPv1's answer for a set of a read-only object."""

    status = 4


class GenErr(ErrorStatusError):
    """genErr(5): a general failure in the agent."""

    status = 5


class NoAccess(ErrorStatusError):
    """noAccess(6): the object is not accessible (e.g. set with a read-only community)."""

    status = 6


class WrongType(ErrorStatusError):
    """wrongType(7): the set value's type does not match the object's."""

    status = 7


class WrongLength(ErrorStatusError):
    """wrongLength(8): the set value's length is illegal for the object."""

    status = 8


class WrongEncoding(ErrorStatusError):
    """wrongEncoding(9): the set value was encoded wrongly."""

    status = 9


class WrongValue(ErrorStatusError):
    """wrongValue(10): the set value is illegal for the object."""

    status = 10


class NoCreation(ErrorStatusError):
    """noCreation(11): the object cannot be created."""

    status = 11


class InconsistentValue(ErrorStatusError):
    """inconsistentValue(12): the value is illegal in the object's current state."""

    status = 12


class ResourceUnavailable(ErrorStatusError):
    """resourceUnavailable(13): the agent ran out of a resource."""

    status = 13


class CommitFailed(ErrorStatusError):
    """commitFailed(14): the set failed and was undone."""

    status = 14


class UndoFailed(ErrorStatusError):
    """undoFailed(15): the set failed and could not be undone."""

    status = 15


class AuthorizationError(ErrorStatusError):
    """authorizationError(16): the request is not authorised."""

    status = 16


class NotWritable(ErrorStatusError):
    """notWritable(17): the object cannot be modified."""

    status = 17


class InconsistentName(ErrorStatusError):
    """inconsistentName(18): the object cannot be created now."""

    status = 18


class SecurityError(SNMPError):
    """An SNMPv3 security failure (USM report or local processing)."""


class WrongDigest(SecurityError):
    """The agent rejected the message's authentication digest (wrong auth key)."""


class UnknownUserName(SecurityError):
    """The agent does not know the security name."""


class UnsupportedSecurityLevel(SecurityError):
    """The user does not support the requested security level."""


class DecryptionError(SecurityError):
    """A message could not be decrypted (wrong privacy key or protocol)."""


class UnknownEngineID(SecurityError):
    """The security engine ID is not known (discovery failed)."""


class NotInTimeWindow(SecurityError):
    """The message was outside the agent's time window and resynchronisation failed."""


class WalkError(SNMPError):
    """A walk could not finish correctly."""


class OidNotIncreasing(WalkError):
    """The agent returned an OID not greater than the previous one (a loop)."""

    def __init__(self, previous: str, received: str, row: Any = None) -> None:
        super().__init__(f"OID not increasing: {received} after {previous}")
        self.previous = previous
        self.received = received
        self.row = row
        """The varbind that did not increase, as received (``(oid, tag, value)``), or None."""


class WalkLimitExceeded(WalkError):
    """A walk hit one of its hard caps (rows, requests or deadline)."""

    def __init__(self, limit_name: str, value: float) -> None:
        super().__init__(f"walk stopped: {limit_name} limit of {value} reached")
        self.limit_name = limit_name
        self.value = value


class DecodeError(SNMPError):
    """A reply could not be decoded."""


class TransportError(SNMPError, OSError):
    """The request could not be sent or the address could not be resolved."""


class ResourceError(TransportError):
    """This host ran out of a resource (file descriptors, memory, buffer space) while
    handling the request: a passing local condition, never a fault of the request."""


def as_snmp_error(exc: BaseException, context: str) -> SNMPError:
    """``exc`` as the :class:`SNMPError` a request is answered with; ``context`` says
    what was being done (``"get"``, ``"cannot resolve 'router1'"``).

    An ``SNMPError`` is itself. A local resource failure (``MemoryError``, an ``OSError``
    such as EMFILE) is a :class:`ResourceError` and any other ``OSError`` a
    :class:`TransportError`: neither is ever reported as bad input. ``ValueError``,
    ``TypeError`` and ``LookupError`` (bad arguments) are a :class:`ConfigurationError`;
    anything else is a bug, reported as a plain :class:`SNMPError`.
    """
    if isinstance(exc, SNMPError):
        return exc
    detail = f"({type(exc).__name__}: {exc})"
    if isinstance(exc, MemoryError) or (isinstance(exc, OSError) and exc.errno in _RESOURCE_ERRNOS):
        return ResourceError(f"{context}: out of local resources {detail}")
    if isinstance(exc, OSError):
        return TransportError(f"{context}: {exc}")
    if isinstance(exc, ValueError | TypeError | LookupError):
        return ConfigurationError(f"{context}: bad arguments {detail}")
    return SNMPError(f"{context}: internal error {detail}")


class ShutdownError(SNMPError):
    """The component or the kernel stopped before the request was answered."""
