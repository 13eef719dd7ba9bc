"""SNMPv3 credentials and keyword names: the one place that checks them.

Every entry point that takes SNMPv3 credentials or net-snmp style keywords goes through
this module, so the same input gets the same verdict and the same message everywhere:

* ``SNMPComponent.create()`` and :class:`~snmp_component.traps.TrapSender` (through
  :func:`snmp_component.options.parse_options`), on both SNMPv3 engines;
* the trap listener's ``Users`` entries and its own keywords
  (:class:`~snmp_component.traps.SNMPTrapListener`);
* the pysnmp adapter's ``V3Credentials`` (a :class:`Credentials` whose messages start
  with its field name).

What is here:

* :func:`normalise_key` / :func:`normalise_keywords`: keywords are matched ignoring case,
  ``-`` and ``_`` (``DestHost``, ``dest_host``, ``-desthost``); an unknown keyword names
  the valid ones, a keyword given twice (in two spellings) is an error.
* The value checks, each a function that returns the normalised value or raises
  :class:`~snmp_component.errors.ConfigurationError`: :func:`sec_level`,
  :func:`auth_protocol`, :func:`priv_protocol`, :func:`pass_phrase`, :func:`sec_name`,
  :func:`context_name`, :func:`engine_id`, :func:`engine_boots`.
* :class:`Credentials`: one user's validated USM credentials plus the context, built once
  (at ``create()``, by a constructor), never re-checked later: a configuration problem is
  a ``ConfigurationError`` there, never an error of the first request.

The rules (RFC 3411/3414 and net-snmp):

* ``SecName``: 1..32 octets (``usmUserName``). ``Context``: at most 32 octets.
* ``SecLevel``: ``noAuthNoPriv``, ``authNoPriv``, ``authPriv`` (any case).
* ``AuthProto``/``PrivProto``: net-snmp's names, any case, ``_`` for ``-``, usual aliases
  (``SHA1``, ``SHA256``, ``AES128``, ``AES-128``, ``AES256C``, ``3DES-EDE`` ...); stored in
  net-snmp's canonical spelling (``AES-128`` is ``AES``). A level that needs one and has
  none means ``MD5`` / ``DES`` (SNMP::Session's defaults).
* ``AuthPass``/``PrivPass``: at least 8 octets (UTF-8 of a str; RFC 3414 11.2), required
  by the level that uses them, ignored (cleared) by the others.
* Engine IDs (``SecEngineId``, ``ContextEngineId``, ``LocalEngineId``, ``EngineId``): 5..32
  octets (``SnmpEngineID``), as bytes or hex text (``"0x80001f88..."``); ``None``, ``""``
  and ``b""`` mean none. ``EngineBoots``: 1..2**31-2 (2**31-1 latches the engine).

Messages name the keyword and never echo a value that may be a secret (a pass phrase given
to ``AuthProto`` by mistake included). An entry point that needs to say *where* a keyword
was (a ``Users`` entry, a field of ``V3Credentials``) puts that in front of the same
message: ``"Users entry 2: AuthProto: unsupported value; use one of MD5, ..."``. Pass
phrases are kept as :class:`~snmp_component._core.secret.SecretStr` /
:class:`~snmp_component._core.secret.SecretBytes`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import InitVar, dataclass
from typing import Any, Final

from ._core import usm
from ._core.secret import SecretBytes, SecretStr
from ._core.usm import UsmUser
from ._core.v3msg import MAX_ENGINE_BOOTS
from .errors import ConfigurationError

__all__ = [
    "AUTH_PROTOCOLS",
    "ENGINE_ID_OCTETS",
    "MAX_NAME_OCTETS",
    "MIN_PASS_OCTETS",
    "PRIV_PROTOCOLS",
    "SEC_LEVELS",
    "Credentials",
    "Where",
    "auth_protocol",
    "context_name",
    "engine_boots",
    "engine_id",
    "normalise_key",
    "normalise_keywords",
    "pass_phrase",
    "priv_protocol",
    "sec_level",
    "sec_name",
]

AUTH_PROTOCOLS: Final = ("MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512")
"""``AuthProto`` values (net-snmp spelling; aliases are accepted too)."""
PRIV_PROTOCOLS: Final = (
    "DES", "3DES", "AES", "AES-128", "AES-192", "AES-256", "AES-192-C", "AES-256-C",
)  # fmt: skip
"""``PrivProto`` values (net-snmp spelling; ``AES-128`` is ``AES``; aliases are accepted)."""
SEC_LEVELS: Final = ("noAuthNoPriv", "authNoPriv", "authPriv")
"""``SecLevel`` values."""

MIN_PASS_OCTETS: Final = 8  # RFC 3414 11.2; net-snmp's USM_LENGTH_P_MIN
MAX_NAME_OCTETS: Final = 32  # usmUserName and contextName: SnmpAdminString (SIZE(0..32))
ENGINE_ID_OCTETS: Final = (5, 32)  # SnmpEngineID (SIZE(5..32))

DEFAULT_AUTH: Final = "MD5"  # SNMP::Session's AuthProto default (and pysnmp's)
DEFAULT_PRIV: Final = "DES"  # SNMP::Session's PrivProto default (and pysnmp's)

Where = Callable[[str], str]
"""What goes in front of a message about a keyword: ``where("AuthPass")`` -> ``""`` for
``create()``, ``"Users entry 2: "`` for the listener, ``"auth_pass: "`` for
``V3Credentials``."""


def _nowhere(keyword: str) -> str:
    return ""


def _fail(where: Where | None, keyword: str, text: str) -> ConfigurationError:
    """The error for ``keyword``: ``text`` (which names it), after ``where``'s prefix."""
    return ConfigurationError(f"{(where or _nowhere)(keyword)}{text}")


# ====================================================================== keywords
def normalise_key(key: str) -> str:
    """``-Dest_Host`` -> ``desthost``: how keywords are matched."""
    return key.lower().replace("-", "").replace("_", "")


_Tables = tuple[dict[str, str], dict[str, str]]
_tables_seen: dict[tuple[int, int], tuple[object, object, _Tables]] = {}


def _tables(keywords: Iterable[str], synonyms: Mapping[str, str] | None) -> _Tables:
    """The normalised keyword and synonym tables, built once per (constant) pair: every
    ``create()`` would otherwise normalise some 40 names again (bounded: callers pass
    module constants; anything else is rebuilt)."""
    key = (id(keywords), id(synonyms))
    seen = _tables_seen.get(key)
    if seen is not None and seen[0] is keywords and seen[1] is synonyms:
        return seen[2]
    tables = (
        {normalise_key(name): name for name in keywords},
        {normalise_key(name): target for name, target in (synonyms or {}).items()},
    )
    if isinstance(keywords, tuple | frozenset) and len(_tables_seen) < 32:
        _tables_seen[key] = (keywords, synonyms, tables)
    return tables


def normalise_keywords(
    options: Mapping[Any, Any],
    keywords: Iterable[str],
    *,
    synonyms: Mapping[str, str] | None = None,
    prefix: str = "",
) -> dict[str, Any]:
    """``options`` keyed by the canonical spelling of each keyword.

    Args:
        options: the keywords as given (any spelling).
        keywords: the canonical spellings accepted (``"DestHost"`` ...).
        synonyms: other names of a keyword (``{"hostname": "DestHost"}``), used only when
            the keyword itself is not given.
        prefix: put in front of every message (``"Users entry 2: "``).

    Raises:
        ConfigurationError: a keyword that is not a str, an unknown one (the message lists
            the valid ones) or one given twice in different spellings. Values are never
            shown: they may be secrets.
    """
    canonical, aliases = _tables(keywords, synonyms)
    given: dict[str, Any] = {}
    by_synonym: dict[str, Any] = {}
    for key, value in options.items():
        if not isinstance(key, str):
            raise ConfigurationError(f"{prefix}keywords must be str, not {type(key).__name__}")
        norm = normalise_key(key)
        name = canonical.get(norm)
        into = given
        if name is None and norm in aliases:
            name, into = aliases[norm], by_synonym
        if name is None:
            valid = ", ".join(sorted(canonical.values()))
            raise ConfigurationError(
                f"{prefix}unknown keyword {key!r}; valid keywords are: {valid}"
            )
        if name in into:
            raise ConfigurationError(f"{prefix}{name} given twice (as {key!r})")
        into[name] = value
    for name, value in by_synonym.items():
        given.setdefault(name, value)  # the keyword itself wins over its synonym
    return given


# ====================================================================== values
def _pick(
    keyword: str, value: Any, choices: tuple[str, ...], match: Callable[[str], str | None],
    where: Where | None,
) -> str:  # fmt: skip
    """``match(value)`` or a ConfigurationError listing ``choices``, never echoing ``value``
    (``SecLevel``/``AuthProto``/``PrivProto`` sit next to pass phrases: one given there by
    mistake must not leak)."""
    if isinstance(value, str):
        found = match(value)
        if found is not None:
            return found
    what = "value" if isinstance(value, str) else f"{type(value).__name__} value"
    raise _fail(where, keyword, f"{keyword}: unsupported {what}; use one of {', '.join(choices)}")


_LEVELS: Final = {normalise_key(level): level for level in SEC_LEVELS}


def _level(text: str) -> str | None:
    return _LEVELS.get(normalise_key(text))


def _text(keyword: str, value: Any, octets: bool, where: Where | None) -> str | bytes:
    """``value`` if it is a str, or (with ``octets``) bytes-like, as bytes."""
    if octets and isinstance(value, bytearray | memoryview):
        value = bytes(value)
    if not isinstance(value, str | bytes) or (isinstance(value, bytes) and not octets):
        kinds = "a str or bytes" if octets else "a str"
        raise _fail(where, keyword, f"{keyword} must be {kinds}, not {type(value).__name__}")
    return value


def _size(keyword: str, value: str | bytes, where: Where | None) -> int:
    """Octets of ``value`` (UTF-8 of a str; a str that has none is refused here, not when
    it is first sent)."""
    if isinstance(value, bytes):
        return len(value)
    try:
        return len(value.encode())
    except UnicodeError:
        raise _fail(where, keyword, f"{keyword} must be text that UTF-8 can encode") from None


def _protocol(
    canonical: Callable[[str], str], names: tuple[str, ...]
) -> Callable[[str], str | None]:
    """A matcher: the USM core's aliases (``SHA1``, ``AES-128`` ...) after ``_`` -> ``-``,
    then the name without its dashes (``sha256``, ``aes192c``)."""

    def match(text: str) -> str | None:
        try:
            return canonical(text.replace("_", "-"))
        except ConfigurationError:
            pass
        compact = normalise_key(text)
        for name in names:
            if compact == normalise_key(name):
                return canonical(name)
        return None

    return match


_AUTH_MATCH: Final = _protocol(usm.canonical_auth, usm.AUTH_PROTOCOLS)
_PRIV_MATCH: Final = _protocol(usm.canonical_priv, usm.PRIV_PROTOCOLS)


def sec_level(value: Any, *, where: Where | None = None) -> str:
    """``SecLevel``: ``"noAuthNoPriv"``, ``"authNoPriv"`` or ``"authPriv"`` (any case)."""
    return _pick("SecLevel", value, SEC_LEVELS, _level, where)


def auth_protocol(value: Any, *, where: Where | None = None) -> str:
    """``AuthProto`` in net-snmp's spelling (``"sha256"`` -> ``"SHA-256"``)."""
    return _pick("AuthProto", value, AUTH_PROTOCOLS, _AUTH_MATCH, where)


def priv_protocol(value: Any, *, where: Where | None = None) -> str:
    """``PrivProto`` in net-snmp's spelling (``"aes-128"`` -> ``"AES"``)."""
    return _pick("PrivProto", value, PRIV_PROTOCOLS, _PRIV_MATCH, where)


def pass_phrase(
    keyword: str, value: Any, *, needed_by: str, octets: bool = False, where: Where | None = None
) -> SecretStr | SecretBytes:
    """``AuthPass``/``PrivPass``: a str (or bytes, with ``octets``) of at least 8 octets.

    Args:
        keyword: ``"AuthPass"`` or ``"PrivPass"``.
        value: the pass phrase; ``None`` when not given.
        needed_by: the keyword that needs it (``"AuthProto"``), for the missing case.
        octets: bytes are allowed too (the listener's ``Users``).
        where: the message prefix (see :data:`Where`).
    """
    if value is None:
        article = "an" if keyword[0] in "AEIOU" else "a"
        raise _fail(where, keyword, f"{needed_by} needs {article} {keyword}")
    text = _text(keyword, value, octets, where)
    if _size(keyword, text, where) < MIN_PASS_OCTETS:
        raise _fail(
            where,
            keyword,
            f"{keyword} must be at least {MIN_PASS_OCTETS} octets long",
        )
    return SecretStr(text) if isinstance(text, str) else SecretBytes(text)


def sec_name(value: Any, *, octets: bool = False, where: Where | None = None) -> str | bytes:
    """``SecName``: a str (or bytes, with ``octets``) of 1..32 octets."""
    name = _text("SecName", value, octets, where)
    if not 1 <= _size("SecName", name, where) <= MAX_NAME_OCTETS:
        raise _fail(where, "SecName", f"SecName must be 1..{MAX_NAME_OCTETS} octets long")
    return name


def context_name(value: Any, *, where: Where | None = None) -> str:
    """``Context``: a str of at most 32 octets (``""``: the default context)."""
    if not isinstance(value, str):
        raise _fail(where, "Context", f"Context must be a str, not {type(value).__name__}")
    if _size("Context", value, where) > MAX_NAME_OCTETS:
        raise _fail(where, "Context", f"Context must be at most {MAX_NAME_OCTETS} octets long")
    return value


def engine_id(keyword: str, value: Any, *, where: Where | None = None) -> bytes | None:
    """An engine ID keyword: 5..32 octets as bytes or hex text (``"0x8000..."``).

    ``None``, ``""`` and ``b""`` mean none given.
    """
    if value is None or value == "" or value == b"":
        return None
    octets: bytes | None = None
    if isinstance(value, bytes | bytearray | memoryview):
        octets = bytes(value)
    elif isinstance(value, str):
        text = value[2:] if value.lower().startswith("0x") else value
        try:
            octets = bytes.fromhex(text)
        except ValueError:
            octets = None
    low, high = ENGINE_ID_OCTETS
    if octets is None or not low <= len(octets) <= high:
        raise _fail(
            where, keyword, f"{keyword}: an engine ID must be {low}..{high} octets (bytes or hex)"
        )
    return octets


def engine_boots(value: Any, *, keyword: str = "EngineBoots", where: Where | None = None) -> int:
    """``EngineBoots``: an int 1..2**31-2 (``snmpEngineBoots``; 2**31-1 would latch)."""
    if type(value) is not int or not 1 <= value < MAX_ENGINE_BOOTS:
        raise _fail(where, keyword, f"{keyword} must be an int 1..2**31-2, not {value!r}")
    return value


# ====================================================================== the value
@dataclass(frozen=True, repr=False)
class Credentials:
    """One SNMPv3 user's USM credentials plus the context, validated on construction.

    Protocol names are stored in net-snmp's canonical spelling; a level that needs a
    protocol and has none gets ``MD5`` / ``DES``; the fields the level does not use are
    cleared (not checked), so equal effective credentials compare equal. Pass phrases are
    kept as ``SecretStr`` (``SecretBytes`` for bytes) and shown as ``'***'``.

    Attributes:
        sec_name: the USM user name (1..32 octets; bytes only with ``octets``).
        sec_level: ``"noAuthNoPriv"``, ``"authNoPriv"`` or ``"authPriv"``.
        auth_proto: ``MD5`` ``SHA`` ``SHA-224`` ``SHA-256`` ``SHA-384`` ``SHA-512``, or None.
        auth_pass: the authentication pass phrase (8 octets or more), or None.
        priv_proto: ``DES`` ``3DES`` ``AES`` ``AES-192`` ``AES-256`` ``AES-192-C``
            ``AES-256-C``, or None.
        priv_pass: the privacy pass phrase (8 octets or more), or None.
        context: the context name (``""``: the default context; at most 32 octets).
        context_engine_id: the context engine ID (5..32 octets), or None: the agent's.
        sec_engine_id: the authoritative engine ID to localise keys to (5..32 octets), or
            None: discovered.

    Init-only arguments:
        octets: bytes are allowed for ``sec_name`` and the pass phrases (the trap
            listener's ``Users``, which match received octets).
        where: what goes in front of each message (see :data:`Where`).

    Raises:
        ConfigurationError: a field is invalid; the message names the keyword and never
            contains a pass phrase.
    """

    sec_name: str | bytes
    sec_level: str
    auth_proto: str | None = None
    auth_pass: str | bytes | None = None
    priv_proto: str | None = None
    priv_pass: str | bytes | None = None
    context: str = ""
    context_engine_id: bytes | None = None
    sec_engine_id: bytes | None = None
    octets: InitVar[bool] = False
    where: InitVar[Where | None] = None

    def __post_init__(self, octets: bool, where: Where | None) -> None:
        """Check and normalise every field (see the class doc), in keyword order."""
        where = self._where() if where is None else where
        setf = object.__setattr__
        setf(self, "sec_name", sec_name(self.sec_name, octets=octets, where=where))
        level = sec_level(self.sec_level, where=where)
        setf(self, "sec_level", level)
        auth = priv = auth_pass = priv_pass = None
        if level != "noAuthNoPriv":
            proto = DEFAULT_AUTH if self.auth_proto is None else self.auth_proto
            auth = auth_protocol(proto, where=where)
            auth_pass = pass_phrase("AuthPass", self.auth_pass, needed_by="AuthProto",
                                    octets=octets, where=where)  # fmt: skip
        if level == "authPriv":
            proto = DEFAULT_PRIV if self.priv_proto is None else self.priv_proto
            priv = priv_protocol(proto, where=where)
            priv_pass = pass_phrase("PrivPass", self.priv_pass, needed_by="PrivProto",
                                    octets=octets, where=where)  # fmt: skip
        setf(self, "auth_proto", auth)
        setf(self, "auth_pass", auth_pass)
        setf(self, "priv_proto", priv)
        setf(self, "priv_pass", priv_pass)
        setf(self, "context", context_name(self.context, where=where))
        for name, keyword in (("context_engine_id", "ContextEngineId"),
                              ("sec_engine_id", "SecEngineId")):  # fmt: skip
            setf(self, name, engine_id(keyword, getattr(self, name), where=where))

    @classmethod
    def _where(cls) -> Where:
        """The message prefix when none is given: none (``V3Credentials`` names its field)."""
        return _nowhere

    def usm_user(self) -> UsmUser:
        """The native engine's :class:`~snmp_component._core.usm.UsmUser` of these
        credentials (cannot fail: everything it checks was checked here)."""
        return UsmUser(self.sec_name, self.auth_proto, self.auth_pass, self.priv_proto,
                       self.priv_pass)  # fmt: skip

    def __repr__(self) -> str:
        """Every field, with the pass phrases shown as ``'***'``."""

        def secret(value: object) -> str:
            return "None" if value is None else "'***'"

        return (
            f"{type(self).__name__}(sec_name={self.sec_name!r}, sec_level={self.sec_level!r}, "
            f"auth_proto={self.auth_proto!r}, auth_pass={secret(self.auth_pass)}, "
            f"priv_proto={self.priv_proto!r}, priv_pass={secret(self.priv_pass)}, "
            f"context={self.context!r}, context_engine_id={self.context_engine_id!r}, "
            f"sec_engine_id={self.sec_engine_id!r})"
        )

    __str__ = __repr__
