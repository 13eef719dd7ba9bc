"""Secrets that never show: values for every use, ``'***'`` wherever they are printed.

Communities, pass phrases and what is derived from them travel as these types from the
options to the senders, the USM keys and the trap listener, so no ``repr``, ``str`` of a
container or exception message built from them can leak the value.
"""

from __future__ import annotations

__all__ = ["REDACTED", "SecretBytes", "SecretStr", "secret_bytes", "secret_str"]

REDACTED = "'***'"
"""What the ``repr`` of a secret shows."""


class SecretBytes(bytes):
    """Secret octets (a community): the value for every use, ``'***'`` for ``repr``/``str``.

    A ``bytes`` in every other respect (equality, hashing, encoding into messages), so code
    that sends it needs no change; ``bytes(secret)`` gives plain bytes.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return REDACTED

    __str__ = __repr__


class SecretStr(str):
    """Secret text (a pass phrase): the value for every use, ``'***'`` for ``repr``.

    A ``str`` in every other respect; ``str()`` of it, ``secret.encode()`` and joins give
    the plain value (that is how it is used), so only code that formats the secret itself
    with ``{secret}`` or ``%s`` shows it -- never do that.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return REDACTED


def secret_bytes(value: bytes | None) -> bytes | None:
    """``value`` as :class:`SecretBytes` (``None`` stays ``None``)."""
    if value is None or isinstance(value, SecretBytes):
        return value
    return SecretBytes(value)


def secret_str(value: str | None) -> str | None:
    """``value`` as :class:`SecretStr` (``None`` stays ``None``)."""
    if value is None or isinstance(value, SecretStr):
        return value
    return SecretStr(value)
